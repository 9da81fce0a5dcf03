import type { CallContext, FabricClient } from '../shared/fabric/client.js';
import type { LineCancel } from './order-lines.js';

/** Attribution on every change the bridge makes in fabric. */
export const SOURCE = 'RetailOPS';

/** One item-level cancel call for several lines, all with the same reason. */
export async function cancelLines(
  fabric: FabricClient,
  orderNumber: string,
  reasonCode: string,
  lines: readonly LineCancel[],
  call: CallContext,
): Promise<void> {
  await fabric.cancelOrder(
    orderNumber,
    {
      reasonCode,
      source: SOURCE,
      items: lines.map((line) => ({ lineItemId: line.lineItemId, itemUnitNumber: line.itemUnitNumber, quantity: line.quantity, reasonCode })),
    },
    call,
  );
}
