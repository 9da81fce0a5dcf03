import { ActionRejectedError } from '../action-rejected.js';
import { SOURCE } from '../fabric-outcomes.js';
import type { JobHandler } from '../handler.js';
import { planReturn } from './plan-return.js';

/**
 * Submits RetailOPS' return to fabric. The order is read first: a return whose RetailOPS id fabric already holds
 * (a retry after a response was lost) is not sent again.
 */
export const returnOrder: JobHandler<'return'> = async (payload, { fabric, call }) => {
  const order = await fabric.getOrderByNumber(payload.refnum, call);
  if (!order) throw new ActionRejectedError('ORDER_NOT_FOUND', `Order ${payload.refnum} does not exist in fabric`);
  const plan = planReturn(payload, order, SOURCE);
  if (plan.kind === 'already-submitted') return { outcome: 'already-submitted' };
  if (plan.kind === 'rejected') {
    throw new ActionRejectedError('RETURN_NOT_ELIGIBLE', plan.reason, plan.skus, { returnId: payload.returnId });
  }
  await fabric.submitReturn(payload.refnum, plan.body, call);
  return { outcome: 'return-submitted' };
};
