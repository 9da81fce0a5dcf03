import { ActionRejectedError } from '../action-rejected.js';
import type { JobHandler } from '../handler-context.js';
import { requireOrder } from '../require-order.js';
import { planSettle } from './plan-settle.js';

/**
 * order_settle_payment as verify-and-report: fabric captures payment itself (at shipment, or at checkout) and offers
 * no call that captures on request, so the order is read and its payment state compared with what RetailOPS wants
 * settled. A match is the job's success and tells RetailOPS nothing more; a mismatch fails the job for good with the
 * event that says what differs (an operator can re-run it once fabric has captured: `npm run ops -- failed retry`).
 */
export const verifySettlement: JobHandler<'order.settle'> = async (payload, { fabric, call }) => {
  const order = await requireOrder(fabric, payload.refnum, call);
  const plan = planSettle(payload, order);
  if (plan.kind === 'settled') return { outcome: 'settled' };
  throw new ActionRejectedError(plan.code, plan.reason, [], {
    wanted: { amount: payload.amount, currency: payload.currency, from: payload.amountFrom },
    fabric: plan.state,
  });
};
