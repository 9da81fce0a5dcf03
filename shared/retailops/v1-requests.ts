import { z } from 'zod';
import { amountLike, countLike, idLike, listOf, retailopsIdLike } from './fields.js';
import { V1_CURRENCIES } from './v1-currencies.js';

/**
 * Request schemas of RetailOPS' published channel SDK (v1, ../shared/retailops-sdk-v1/*.json, `links[0].schema`).
 * Equivalent to the JSON schemas, with two deliberate differences: ids and numbers are accepted as strings too (as
 * on the seed routes), and an order action requires the order's `channel_order_refnum`, which the JSON schemas leave
 * optional but without which the channel cannot act.
 */

const text = z.string().max(1000);
const dateTime = z.string().max(64);

/** Every v1 request: `action`, `version`, `client_id`, `channel_info` required; the token is checked before. */
export const v1Envelope = z
  .object({
    integration_auth_token: z.string().max(4096).optional(),
    action: z.string().min(1).max(200),
    version: countLike,
    client_id: retailopsIdLike,
    channel_info: z.object({ id: retailopsIdLike.optional() }).loose(),
  })
  .loose();

/** `removed` is a boolean in order_update and a string enum of booleans elsewhere: both spellings are accepted. */
const removedFlag = z.union([z.boolean(), z.enum(['true', 'false'])]).transform((value) => value === true || value === 'true');

const orderItem = z
  .object({
    channel_item_refnum: idLike.optional(),
    sku: idLike.optional(),
    order_item_id: idLike.optional(),
    quantity: countLike.optional(),
    unit_price: amountLike.optional(),
    removed: removedFlag.optional(),
  })
  .loose();

const unshippedItem = z
  .object({ channel_item_refnum: idLike.optional(), sku: idLike.optional(), unshipped_quantity: countLike.optional() })
  .loose();

const packageItem = z
  .object({
    sku: idLike.optional(),
    channel_item_refnum: idLike.optional(),
    retailops_order_item_id: idLike.optional(),
    retailops_shipment_item_id: idLike.optional(),
    quantity: countLike.optional(),
  })
  .loose();

const shipPackage = z
  .object({
    retailops_package_id: idLike,
    carrier_name: text.optional(),
    carrier_class_name: text.optional(),
    channel_ship_code: text.optional(),
    tracking_number: text.optional(),
    weight_kg: z.union([z.number(), z.string()]).optional(),
    date_shipped: dateTime.optional(),
    package_items: listOf(packageItem).default([]),
  })
  .loose();

const shipment = z.object({ retailops_shipment_id: idLike, packages: listOf(shipPackage).default([]) }).loose();

/** The `order` block most order actions carry. */
const v1Order = z
  .object({
    channel_order_refnum: idLike,
    retailops_order_id: idLike.optional(),
    grand_total: amountLike.optional(),
    order_items: listOf(orderItem).default([]),
    unshipped_items: listOf(unshippedItem).default([]),
    shipments: listOf(shipment).default([]),
  })
  .loose();

const returnItem = z
  .object({
    retailops_item_id: idLike.optional(),
    channel_item_refnum: idLike.optional(),
    sku: idLike,
    quantity: countLike.pipe(z.number().min(1, 'must be at least 1')),
    reason: text.optional(),
    credit_amt: amountLike.optional(),
  })
  .loose();

const v1Return = z
  .object({
    retailops_return_id: idLike,
    retailops_rma_id: z.string().max(200).nullish(),
    refund_amt: amountLike.optional(),
    refund_action: text.optional(),
    items: listOf(returnItem).default([]),
  })
  .loose();

export const orderPullV1Request = v1Envelope.extend({
  page_token: z.string().max(2000).optional(),
  specific_orders: listOf(z.object({ channel_refnum: idLike }).loose(), 100).optional(),
});

export const orderAcknowledgeV1Request = v1Envelope.extend({
  orders: listOf(z.object({ channel_order_refnum: idLike, retailops_order_id: idLike.optional() }).loose()).refine(
    (orders) => orders.length > 0,
    'must name at least one order',
  ),
});

export const orderCancelV1Request = v1Envelope.extend({
  order: z.object({ channel_order_refnum: idLike, retailops_order_id: idLike.optional() }).loose(),
});

export const orderUpdateV1Request = v1Envelope.extend({
  order: v1Order.refine((order) => order.order_items.length > 0, { message: 'must list the order items', path: ['order_items'] }),
  rmas: listOf(v1Return).optional(),
});

export const orderReturnedV1Request = v1Envelope.extend({ order: v1Order, return: v1Return });

export const orderCompleteV1Request = v1Envelope.extend({ order: v1Order });

export const orderShipmentSubmitV1Request = v1Envelope.extend({
  channel_order_refnum: idLike,
  retailops_order_id: idLike.optional(),
  shipment: shipment,
});

/** A payment to settle is never negative: RetailOPS records refunds through order_returned, not here. */
const settleAmount = amountLike.refine((value) => !value.startsWith('-'), 'must not be negative');

const paymentTransaction = z
  .object({ payment_processing_type: text.optional(), transaction_type: text.optional(), payment_type: text.optional(), amount: settleAmount.optional() })
  .loose();

/**
 * The order is required (the channel cannot verify a payment of an order it cannot name), the currency is the SDK's
 * enum, and amounts are not negative. Which amount is settled is the route's to decide (ingress/routes/v1/
 * order-settle-payment.ts), as it needs the transactions and the grand total together.
 */
export const orderSettlePaymentV1Request = v1Envelope.extend({
  order: v1Order.extend({ grand_total: settleAmount.optional() }),
  payment: z
    .object({
      currency_code: z.enum(V1_CURRENCIES).optional(),
      payment_series_id: idLike.optional(),
      payment_transactions: listOf(paymentTransaction).default([]),
    })
    .loose()
    .optional(),
});

/** fabric's inventory counters are int32 (fabric-inventory-openapi.yml `inventory.counters`): larger is refused here. */
const quantity = z.union([z.number(), z.string().trim().regex(/^-?\d+$/, 'must be a whole number').transform(Number)]).pipe(
  z.number().int('must be a whole number').min(-2_147_483_648).max(2_147_483_647, 'must fit a 32-bit integer (fabric counters are int32)'),
);

export const INVENTORY_QUANTITY_TYPES = ['internal', 'external', 'inflight'] as const;

const quantityDetail = z
  .object({
    quantity_type: z.enum(INVENTORY_QUANTITY_TYPES).optional(),
    available_quantity: quantity.optional(),
    total_quantity: quantity.optional(),
    facility_name: text.optional(),
    estimated_availability_date: dateTime.optional(),
    vendor_name: text.optional(),
    po: text.optional(),
    po_destination: text.optional(),
  })
  .loose();

const inventoryUpdate = z
  .object({ sku: idLike, quantity_available: quantity.optional(), quantity_detail: listOf(quantityDetail, 100).optional() })
  .loose();

/** A full catalogue push is normal: up to INVENTORY_PUSH_MAX_SKUS entries (the route's own body limit allows it). */
export const INVENTORY_PUSH_MAX_SKUS = 100_000;

export const inventoryPushV1Request = v1Envelope.extend({
  inventory_updates: listOf(inventoryUpdate, INVENTORY_PUSH_MAX_SKUS).default([]),
});
export type InventoryPushV1Request = z.infer<typeof inventoryPushV1Request>;
export type InventoryUpdateV1 = InventoryPushV1Request['inventory_updates'][number];

export const catalogPushV1Request = v1Envelope.extend({ TemplateOutput: z.record(z.string(), z.unknown()).optional() });
export const catalogGetConfigV1Request = v1Envelope;

export type OrderPullV1Request = z.infer<typeof orderPullV1Request>;
export type OrderAcknowledgeV1Request = z.infer<typeof orderAcknowledgeV1Request>;
export type OrderCancelV1Request = z.infer<typeof orderCancelV1Request>;
export type OrderUpdateV1Request = z.infer<typeof orderUpdateV1Request>;
export type OrderReturnedV1Request = z.infer<typeof orderReturnedV1Request>;
export type OrderCompleteV1Request = z.infer<typeof orderCompleteV1Request>;
export type OrderShipmentSubmitV1Request = z.infer<typeof orderShipmentSubmitV1Request>;
export type OrderSettlePaymentV1Request = z.infer<typeof orderSettlePaymentV1Request>;
export type V1Shipment = z.infer<typeof shipment>;
