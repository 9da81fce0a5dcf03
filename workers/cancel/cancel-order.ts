import { EVENT_CODES } from '../../shared/events/codes.js';
import { orderAssociations, warningEvent, type ChannelEvent } from '../../shared/events/event.js';
import { FabricError } from '../../shared/fabric/errors.js';
import type { FabricOrder } from '../../shared/fabric/schemas.js';
import { JOB_KINDS, type JobMeta } from '../../shared/jobs/contract.js';
import { ActionRejectedError } from '../action-rejected.js';
import { actionMark, hasActionMark } from '../action-mark.js';
import { SOURCE } from '../attribution.js';
import type { HandlerContext, HandlerResult, JobHandler } from '../handler-context.js';
import { requireOrder } from '../require-order.js';
import { activeQuantity, openQuantity } from '../../shared/fabric/order-lines.js';

export const CANCEL_REASON = 'RETAILOPS_CANCEL';

/**
 * Lines the whole-order cancel left active, read from fabric's answer (the order after the cancel) rather than
 * predicted: fabric cancels open units only, so shipped units stay, and whatever else it declined shows here too.
 */
function linesLeft(order: FabricOrder) {
  return order.items
    .map((item) => ({ lineItemId: item.lineItemId, sku: item.sku, left: activeQuantity(item), shipped: item.shippedQuantity }))
    .filter((line) => line.left > 0);
}

/**
 * RetailOPS asked for the whole order to be cancelled; a job that cancelled only the open lines succeeds, and this
 * warning tells RetailOPS which lines stayed (and why): the job succeeded, so no failure event would.
 */
function partialCancelWarning(refnum: string, left: ReturnType<typeof linesLeft>, meta: JobMeta): ChannelEvent {
  const named = left
    .map((line) => `line ${line.lineItemId} (sku ${line.sku}, ${line.left === line.shipped ? '' : `${line.left} left, `}${line.shipped} shipped)`)
    .join(', ');
  return warningEvent({
    id: `cancel-partial-${refnum}-${meta.requestId}`,
    action: JOB_KINDS.cancel.action,
    code: EVENT_CODES.ORDER_PARTIALLY_CANCELLED,
    message: `Order ${refnum} was cancelled except these lines, which fabric kept: ${named}`,
    associations: [
      ...orderAssociations(refnum, left.map((line) => line.sku)),
      ...left.map((line) => ({ type: 'orderitem_refnum' as const, id: line.lineItemId })),
    ],
    diagnostic: { linesLeft: left },
    occurredAt: new Date().toISOString(),
  });
}

/**
 * RetailOPS cancelled this order before: fabric shows this job's mark (a retry whose first attempt reached fabric but
 * lost the answer, or a worker that lost the job while its call was on the way), or the bridge's cancel reason and
 * source on a line (an earlier cancel webhook of other content, e.g. the seed and the v1 form of one cancel).
 */
function cancelledByRetailops(order: FabricOrder, jobId: string, meta: JobMeta): boolean {
  return (
    hasActionMark(order, jobId, meta) ||
    order.items.some((item) => item.cancellations.some((entry) => entry.reasonCode === CANCEL_REASON && entry.source === SOURCE))
  );
}

/**
 * What an order with nothing left open means for this job: done, if the bridge's cancel is what closed it (with the
 * partial warning again when shipped lines stayed, as the first attempt's answer may never have been read), or a
 * permanent failure: everything shipped before RetailOPS asked.
 */
async function nothingOpen(order: FabricOrder, refnum: string, { events, meta, jobId }: Pick<HandlerContext, 'events' | 'meta' | 'jobId'>): Promise<HandlerResult> {
  if (order.statusCode === 'ORDER_CANCELLED') return { outcome: 'already-cancelled' };
  if (cancelledByRetailops(order, jobId, meta)) {
    const left = linesLeft(order);
    if (left.length > 0) await events.add({ clientId: meta.clientId, channelId: meta.channelId }, partialCancelWarning(refnum, left, meta));
    return { outcome: 'already-cancelled' };
  }
  throw new ActionRejectedError(
    EVENT_CODES.ORDER_NOT_CANCELLABLE,
    `Order ${refnum} has nothing left to cancel (status ${order.statusCode})`,
    order.items.map((item) => item.sku),
    { statusCode: order.statusCode },
  );
}

/**
 * Cancels the whole order in fabric. An order already cancelled is a success without a call; one with nothing left
 * open is done if RetailOPS' earlier cancel closed it and a permanent failure if it shipped; one with some lines
 * shipped has its open lines cancelled and a warning event names the lines left.
 */
export const cancelOrder: JobHandler<'cancel'> = async (payload, context) => {
  const { fabric, call, events, meta, jobId } = context;
  const order = await requireOrder(fabric, payload.refnum, call);
  if (order.statusCode === 'ORDER_CANCELLED' || order.items.every((item) => openQuantity(item) === 0)) {
    return nothingOpen(order, payload.refnum, context);
  }
  let cancelled: FabricOrder;
  try {
    cancelled = await fabric.cancelOrder(
      payload.refnum,
      {
        reasonCode: CANCEL_REASON,
        source: SOURCE,
        note: payload.retailopsOrderId ? `Cancelled in RetailOPS (order ${payload.retailopsOrderId})` : 'Cancelled in RetailOPS',
        attributes: actionMark(jobId),
      },
      call,
    );
  } catch (error) {
    // 412: fabric's documented refusal, whose example body is only {message, type}. Whether the order was closed
    // meanwhile (another cancel, a shipment) is read from the order itself, not from an error code.
    if (error instanceof FabricError && error.status === 412) {
      const now = await fabric.getOrderByNumber(payload.refnum, call);
      if (now && (now.statusCode === 'ORDER_CANCELLED' || now.items.every((item) => openQuantity(item) === 0))) {
        return nothingOpen(now, payload.refnum, context);
      }
      throw new ActionRejectedError(EVENT_CODES.ORDER_NOT_CANCELLABLE, `fabric refused to cancel order ${payload.refnum}: ${error.message}`, [], {
        fabricErrorCode: error.errorCode,
      });
    }
    throw error;
  }
  const left = linesLeft(cancelled);
  if (left.length === 0) return { outcome: 'cancelled' };
  await events.add({ clientId: meta.clientId, channelId: meta.channelId }, partialCancelWarning(payload.refnum, left, meta));
  return { outcome: `cancelled open lines, ${left.length} line(s) left` };
};
