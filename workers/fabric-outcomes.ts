import type { CallContext, FabricClient } from '../shared/fabric/client.js';
import { FabricError } from '../shared/fabric/errors.js';

/** fabric's answers that mean "already done": a retried call whose first attempt did reach fabric. */
export function isAlreadyCancelled(error: unknown): boolean {
  return error instanceof FabricError && error.errorCode === 'ORDER-2004';
}

export function isAlreadyCreated(error: unknown): boolean {
  return error instanceof FabricError && (error.status === 409 || error.errorCode === 'SERVICE-4005');
}

/** Attribution on every change the bridge makes in fabric. */
export const SOURCE = 'RetailOPS';

/** One item-level cancel call for several lines, all with the same reason. */
export async function cancelLines(
  fabric: FabricClient,
  orderNumber: string,
  reasonCode: string,
  lines: readonly { lineItemId: string; quantity: number }[],
  call: CallContext,
): Promise<void> {
  await fabric.cancelOrder(
    orderNumber,
    { reasonCode, source: SOURCE, items: lines.map((line) => ({ lineItemId: line.lineItemId, quantity: line.quantity, reasonCode })) },
    call,
  );
}
