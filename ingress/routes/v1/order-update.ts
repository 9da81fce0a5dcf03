import type { FastifyInstance } from 'fastify';
import type { ChannelOrder } from '../../../shared/inbox/channel-order.js';
import { fromMinor, toMinor, toWireNumber } from '../../../shared/money.js';
import type { JobPayload } from '../../../shared/jobs/contract.js';
import { orderUpdateV1Request, type OrderUpdateV1Request } from '../../../shared/retailops/v1-requests.js';
import type { IngressDeps } from '../../context.js';
import { v1Credentials } from '../../credentials.js';
import { validationError, type ValidationIssue } from '../../validation.js';
import { registerWebhook } from '../../webhook.js';

type OrderItem = OrderUpdateV1Request['order']['order_items'][number];

function skuOf(item: OrderItem, order: ChannelOrder | null): string | undefined {
  return item.sku ?? order?.items.find((line) => line.ref === item.channel_item_refnum)?.sku;
}

export function toUpdatePayloadV1(input: OrderUpdateV1Request, order: ChannelOrder | null): JobPayload<'update'> {
  const issues: ValidationIssue[] = [];
  const lineItems = input.order.order_items.flatMap((item, index) => {
    const sku = skuOf(item, order);
    if (!sku) {
      issues.push({ path: `order.order_items.${index}.sku`, message: 'a sku, or a channel_item_refnum of a known item, is required' });
      return [];
    }
    return [{ sku, quantity: item.removed ? 0 : (item.quantity ?? 0), removed: item.removed ?? false }];
  });
  if (issues.length > 0) throw validationError(issues);
  return { refnum: input.order.channel_order_refnum, lineItems };
}

/**
 * The response's `line_items` and `values`: the channel order as it will be once the update is applied, projected
 * from the inbox's copy (the update itself runs in a worker, so fabric is not read on the request path).
 * `line_items` needs RetailOPS' integer `order_item_id`; an item sent without one cannot be listed.
 */
export function projectUpdate(input: OrderUpdateV1Request, order: ChannelOrder | null) {
  const kept = input.order.order_items.filter((item) => !item.removed && item.order_item_id !== undefined && /^\d+$/.test(item.order_item_id));
  let tax = 0n;
  const lineItems = kept.map((item) => {
    const line = order?.items.find((candidate) => candidate.ref === item.channel_item_refnum) ?? order?.items.find((candidate) => candidate.sku === item.sku);
    const quantity = item.quantity ?? line?.quantity ?? 0;
    const unitTax = line?.unitTax ?? '0';
    tax += toMinor(unitTax) * BigInt(quantity);
    return { order_item_id: Number(item.order_item_id), refnum: item.channel_item_refnum ?? line?.ref ?? item.sku ?? '', quantity, unit_tax: toWireNumber(unitTax) };
  });
  const values = order
    ? { shipping_amt: toWireNumber(order.shippingTotal), discount_amt: toWireNumber(order.discountTotal), tax_amt: toWireNumber(fromMinor(tax)) }
    : {};
  return { line_items: lineItems, values };
}

/** order_update_v1: the seed update's job, answered with the projected order. */
export function registerOrderUpdateV1(app: FastifyInstance, deps: IngressDeps): void {
  registerWebhook(app, deps, {
    method: 'POST',
    url: '/order_update_v1',
    schema: orderUpdateV1Request,
    dialect: 'v1',
    credentials: v1Credentials,
    handle: async ({ input, caller, meta }) => {
      const order = await deps.inbox.get(caller.binding.key, input.order.channel_order_refnum);
      await deps.queues.add('update', meta, toUpdatePayloadV1(input, order));
      return { fields: projectUpdate(input, order) };
    },
  });
}
