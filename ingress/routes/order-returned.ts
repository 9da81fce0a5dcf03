import type { FastifyInstance } from 'fastify';
import { orderReturnedRequest, type OrderReturnedRequest } from '../../shared/retailops/seed-requests.js';
import type { JobPayload } from '../../shared/jobs/contract.js';
import type { IngressDeps } from '../context.js';
import { registerEnqueueWebhook } from '../webhook.js';

/**
 * The returned items are `return.items`; `credit_items_ref` (when it names the same sku or item) gives each item's
 * refund amount. A return that lists no items but credit items is taken from the credit items.
 */
export function toReturnPayload(input: OrderReturnedRequest): JobPayload<'return'> {
  const { return: ret } = input.data;
  const credits = ret.credit_items_ref;
  const creditFor = (sku: string, orderItemId: string | undefined) =>
    credits.find((credit) => credit.sku === sku || (orderItemId !== undefined && credit.channel_item_refnum === orderItemId))
      ?.item_credit_amt ?? null;
  const items =
    ret.items.length > 0
      ? ret.items.map((item) => ({ sku: item.sku, quantity: item.quantity, refundAmount: creditFor(item.sku, item.order_item_id) }))
      : credits
          .filter((credit) => credit.sku !== undefined)
          .map((credit) => ({ sku: credit.sku as string, quantity: Math.max(credit.quantity ?? 1, 1), refundAmount: credit.item_credit_amt ?? null }));
  return {
    refnum: input.data.order.channel_refnum,
    returnId: ret.id,
    items,
    totalRefundAmount: ret.refund_amt ?? null,
    reason: credits.find((credit) => credit.reason)?.reason ?? ret.refund_action ?? null,
  };
}

/** POST /orders with a `return` (seed 004, order_returned). */
export function registerOrderReturned(app: FastifyInstance, deps: IngressDeps): void {
  registerEnqueueWebhook(app, deps, { url: '/orders', schema: orderReturnedRequest, dialect: 'status', kind: 'return', toPayload: toReturnPayload });
}
