import { EVENT_CODES } from '../../shared/events/codes.js';
import { ActionRejectedError } from '../action-rejected.js';
import { cancelLines } from '../cancel-lines.js';
import { createShipments, existingShipmentNumbers } from './create-shipments.js';
import type { JobHandler } from '../handler-context.js';
import { requireOrder } from '../require-order.js';
import { planComplete } from './plan-complete.js';

export const UNSHIPPED_REASON = 'RETAILOPS_UNSHIPPED';

/**
 * One fabric shipment per RetailOPS package (one whose number fabric's shipments already hold is done: a retry after a
 * lost response), then an item-level cancel of the unshipped remainder. Planned from a fresh read each attempt.
 * The remainder is cancelled rather than sent as the shipment's `scratchedItems`: a scratch is a location's short
 * pick, which fabric may reallocate to another location, while RetailOPS completing an order means those units will
 * never ship; and a complete may have no shipment to carry them.
 */
export const completeOrder: JobHandler<'order.complete'> = async (payload, { fabric, call, jobId }) => {
  const order = await requireOrder(fabric, payload.refnum, call);
  const plan = planComplete(payload, order, await existingShipmentNumbers(fabric, payload.refnum, call));
  if (plan.problems.length > 0) {
    throw new ActionRejectedError(EVENT_CODES.ITEM_NOT_FOUND, plan.problems.map((problem) => problem.reason).join('; '), [], {
      refs: plan.problems.map((problem) => problem.ref),
    });
  }
  await createShipments(fabric, payload.refnum, plan.shipments, call);
  if (plan.cancels.length > 0) await cancelLines(fabric, payload.refnum, UNSHIPPED_REASON, plan.cancels, { call, jobId });
  return { outcome: `${plan.shipments.length} shipment(s), ${plan.cancels.length} line(s) cancelled` };
};
