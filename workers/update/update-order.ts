import { EVENT_CODES } from '../../shared/events/codes.js';
import { ActionRejectedError } from '../action-rejected.js';
import { hasActionMark } from '../action-mark.js';
import { cancelLines } from '../cancel-lines.js';
import type { JobHandler } from '../handler-context.js';
import { requireOrder } from '../require-order.js';
import { planUpdate } from './plan-update.js';

export const UPDATE_REASON = 'RETAILOPS_UPDATE';

/**
 * Applies RetailOPS' line items to the fabric order as item-level cancels. All or nothing: when any line asks for
 * what fabric cannot do, nothing is changed and the event names every such sku. An order that already shows this
 * job's cancel is done: planning again could misread a later change made in fabric as this job's to undo.
 */
export const updateOrder: JobHandler<'update'> = async (payload, { fabric, call, jobId, meta }) => {
  const order = await requireOrder(fabric, payload.refnum, call);
  if (hasActionMark(order, jobId, meta)) return { outcome: 'already-applied' };
  const plan = planUpdate(payload.lineItems, order);
  if (plan.rejected.length > 0) {
    throw new ActionRejectedError(
      EVENT_CODES.UPDATE_NOT_SUPPORTED,
      plan.rejected.map((line) => line.reason).join('; '),
      plan.rejected.map((line) => line.sku),
    );
  }
  if (plan.cancels.length === 0) return { outcome: 'unchanged' };
  await cancelLines(fabric, payload.refnum, UPDATE_REASON, plan.cancels, { call, jobId });
  return { outcome: `cancelled ${plan.cancels.length} line(s)` };
};
