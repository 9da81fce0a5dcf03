import { FabricError } from '../../shared/fabric/errors.js';
import { ActionRejectedError } from '../action-rejected.js';
import { SOURCE, isAlreadyCancelled } from '../fabric-outcomes.js';
import type { JobHandler } from '../handler.js';
import { openQuantity } from '../order-lines.js';

export const CANCEL_REASON = 'RETAILOPS_CANCEL';

/**
 * Cancels the whole order in fabric. An order already cancelled is a success without a call; one with nothing left
 * open (shipped) cannot be cancelled and fails at once with an event.
 */
export const cancelOrder: JobHandler<'cancel'> = async (payload, { fabric, call }) => {
  const order = await fabric.getOrderByNumber(payload.refnum, call);
  if (!order) throw new ActionRejectedError('ORDER_NOT_FOUND', `Order ${payload.refnum} does not exist in fabric`);
  if (order.statusCode === 'ORDER_CANCELLED') return { outcome: 'already-cancelled' };
  if (order.items.every((item) => openQuantity(item) === 0)) {
    throw new ActionRejectedError(
      'ORDER_NOT_CANCELLABLE',
      `Order ${payload.refnum} has nothing left to cancel (status ${order.statusCode})`,
      order.items.map((item) => item.sku),
      { statusCode: order.statusCode },
    );
  }
  try {
    await fabric.cancelOrder(
      payload.refnum,
      {
        reasonCode: CANCEL_REASON,
        source: SOURCE,
        note: payload.retailopsOrderId ? `Cancelled in RetailOPS (order ${payload.retailopsOrderId})` : 'Cancelled in RetailOPS',
      },
      call,
    );
  } catch (error) {
    if (isAlreadyCancelled(error)) return { outcome: 'already-cancelled' };
    if (error instanceof FabricError && error.status === 412) {
      throw new ActionRejectedError('ORDER_NOT_CANCELLABLE', `fabric refused to cancel order ${payload.refnum}: ${error.message}`, [], {
        fabricErrorCode: error.errorCode,
      });
    }
    throw error;
  }
  return { outcome: 'cancelled' };
};
