import { EVENT_CODES } from '../shared/events/codes.js';
import type { CallContext, FabricClient } from '../shared/fabric/client.js';
import type { FabricOrder } from '../shared/fabric/schemas.js';
import { ActionRejectedError } from './action-rejected.js';

/**
 * The order an action is about, read fresh from fabric. An order fabric does not have is a permanent rejection
 * (ORDER_NOT_FOUND): a retry would read the same, and RetailOPS must hear that its refnum names nothing there.
 */
export async function requireOrder(fabric: FabricClient, refnum: string, call: CallContext): Promise<FabricOrder> {
  const order = await fabric.getOrderByNumber(refnum, call);
  if (!order) throw new ActionRejectedError(EVENT_CODES.ORDER_NOT_FOUND, `Order ${refnum} does not exist in fabric`);
  return order;
}
