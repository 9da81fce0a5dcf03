import { ActionRejectedError } from '../action-rejected.js';
import { hasActionMark } from '../action-mark.js';
import { cancelLines } from '../fabric-outcomes.js';
import type { JobHandler } from '../handler.js';
import { planUpdate } from './plan-update.js';

export const UPDATE_REASON = 'RETAILOPS_UPDATE';

/**
 * Applies RetailOPS' line items to the fabric order as item-level cancels. All or nothing: when any line asks for
 * what fabric cannot do, nothing is changed and the event names every such sku. An order that already shows this
 * job's cancel is done: planning again could misread a later change made in fabric as this job's to undo.
 */
export const updateOrder: JobHandler<'update'> = async (payload, { fabric, call, jobId }) => {
  const order = await fabric.getOrderByNumber(payload.refnum, call);
  if (!order) throw new ActionRejectedError('ORDER_NOT_FOUND', `Order ${payload.refnum} does not exist in fabric`);
  if (hasActionMark(order, jobId)) return { outcome: 'already-applied' };
  const plan = planUpdate(payload.lineItems, order);
  if (plan.rejected.length > 0) {
    throw new ActionRejectedError(
      'UPDATE_NOT_SUPPORTED',
      plan.rejected.map((line) => line.reason).join('; '),
      plan.rejected.map((line) => line.sku),
    );
  }
  if (plan.cancels.length === 0) return { outcome: 'unchanged' };
  await cancelLines(fabric, payload.refnum, UPDATE_REASON, plan.cancels, { call, jobId });
  return { outcome: `cancelled ${plan.cancels.length} line(s)` };
};
