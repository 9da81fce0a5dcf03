import { EVENT_CODES } from '../../shared/events/codes.js';
import { ActionRejectedError } from '../action-rejected.js';
import { SOURCE } from '../attribution.js';
import type { JobHandler } from '../handler-context.js';
import { requireOrder } from '../require-order.js';
import { planReturn } from './plan-return.js';

/**
 * Submits RetailOPS' return to fabric. The order is read first: a return whose RetailOPS id fabric already holds
 * (a retry after a response was lost) is not sent again. Its shipments come from the Shipments API, because fabric
 * requires every returned unit to name the shipment line it went out on; a unit no shipment holds is a permanent
 * failure named here, not a 400 from fabric.
 */
export const returnOrder: JobHandler<'return'> = async (payload, { fabric, call, meta }) => {
  const order = await requireOrder(fabric, payload.refnum, call);
  const shipments = await fabric.searchShipments(payload.refnum, call);
  const plan = planReturn(payload, order, shipments, SOURCE, meta.receivedAt);
  if (plan.kind === 'already-submitted') return { outcome: 'already-submitted' };
  if (plan.kind === 'rejected') {
    throw new ActionRejectedError(EVENT_CODES.RETURN_NOT_ELIGIBLE, plan.reason, plan.skus, { returnId: payload.returnId });
  }
  await fabric.submitReturn(payload.refnum, plan.body, call);
  return { outcome: 'return-submitted' };
};
