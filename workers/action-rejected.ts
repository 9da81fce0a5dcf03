import type { EventCode } from '../shared/events/codes.js';

/**
 * The channel cannot do what RetailOPS asked (an order that is shipped cannot be cancelled, fabric cannot add
 * items): retrying will not help, so the job fails at once and RetailOPS gets a failure event with this code.
 */
export class ActionRejectedError extends Error {
  override readonly name = 'ActionRejectedError';
  constructor(
    readonly code: EventCode,
    message: string,
    readonly skus: readonly string[] = [],
    readonly diagnostic: Record<string, unknown> = {},
  ) {
    super(message);
  }
}
