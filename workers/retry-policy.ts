import { FabricError } from '../shared/fabric/errors.js';

/**
 * The one home of retry maths. Exponential backoff with equal jitter (half fixed, half random, so retries of many
 * jobs spread out without ever retrying at once), capped; a Retry-After from fabric or a gateway is a floor.
 */
export interface BackoffSettings {
  readonly baseMs: number;
  readonly maxMs: number;
}

export function backoffDelay(attemptsMade: number, settings: BackoffSettings, error?: Error, random: () => number = Math.random): number {
  const exponent = Math.max(0, attemptsMade - 1);
  const ceiling = Math.min(settings.maxMs, settings.baseMs * 2 ** Math.min(exponent, 30));
  const jittered = Math.round(ceiling / 2 + random() * (ceiling / 2));
  const retryAfter = error instanceof FabricError ? (error.details.retryAfterMs ?? 0) : 0;
  return Math.max(jittered, retryAfter);
}
