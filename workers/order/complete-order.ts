import { ActionRejectedError } from '../action-rejected.js';
import { cancelLines } from '../fabric-outcomes.js';
import { createShipments } from './create-shipments.js';
import type { JobHandler } from '../handler.js';
import { planComplete } from './plan-complete.js';

export const UNSHIPPED_REASON = 'RETAILOPS_UNSHIPPED';

/**
 * One fabric shipment per RetailOPS package (a shipment number fabric already has is a success: a retry after a
 * lost response), then an item-level cancel of the unshipped remainder. Planned from a fresh read each attempt.
 */
export const completeOrder: JobHandler<'order.complete'> = async (payload, { fabric, call }) => {
  const order = await fabric.getOrderByNumber(payload.refnum, call);
  if (!order) throw new ActionRejectedError('ORDER_NOT_FOUND', `Order ${payload.refnum} does not exist in fabric`);
  const plan = planComplete(payload, order);
  if (plan.problems.length > 0) {
    throw new ActionRejectedError('ITEM_NOT_FOUND', plan.problems.map((problem) => problem.reason).join('; '), [], {
      refs: plan.problems.map((problem) => problem.ref),
    });
  }
  await createShipments(fabric, plan.shipments, call);
  if (plan.cancels.length > 0) await cancelLines(fabric, payload.refnum, UNSHIPPED_REASON, plan.cancels, call);
  return { outcome: `${plan.shipments.length} shipment(s), ${plan.cancels.length} line(s) cancelled` };
};
