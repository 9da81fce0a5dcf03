import type { CallContext, FabricClient } from '../shared/fabric/client.js';
import type { LineCancel } from '../shared/fabric/order-lines.js';
import { actionMark } from './action-mark.js';
import { SOURCE } from './attribution.js';

/** One item-level cancel call for several lines, all with the same reason, marked as the job's (action-mark.ts). */
export async function cancelLines(
  fabric: FabricClient,
  orderNumber: string,
  reasonCode: string,
  lines: readonly LineCancel[],
  { call, jobId }: { readonly call: CallContext; readonly jobId: string },
): Promise<void> {
  const attributes = actionMark(jobId);
  await fabric.cancelOrder(
    orderNumber,
    {
      reasonCode,
      source: SOURCE,
      attributes,
      items: lines.map((line) => ({ lineItemId: line.lineItemId, itemUnitNumber: line.itemUnitNumber, quantity: line.quantity, reasonCode, attributes })),
    },
    call,
  );
}
