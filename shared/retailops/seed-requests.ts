import { z } from 'zod';
import { amountLike, channelBlock, countLike, credentialsBlock, flagLike, idLike, listOf, queryListOf, retailopsIdLike } from './fields.js';

/**
 * Request schemas of the seed routes, from the seed tables. Unknown fields are kept (RetailOPS sends many that this
 * channel does not use); the fields the actions need are required and typed.
 */

const envelope = {
  headers: credentialsBlock.optional(),
  version: z.union([z.number(), z.string()]).optional(),
  action: z.string().max(200).optional(),
};

const orderRef = z.object({ channel_refnum: idLike, id: idLike.optional() }).loose();

// GET /orders
export const orderFetchRequest = z
  .object({
    ...envelope,
    data: z
      .object({
        single: flagLike.optional(),
        order: z.object({ channel_refnum: idLike.optional() }).loose().optional(),
        client_id: retailopsIdLike.optional(),
        channel: channelBlock,
        max_page_size: countLike.pipe(z.number().min(1, 'must be at least 1')).optional(),
        page_state: z.union([countLike, z.null(), z.literal(''), z.literal('null')]).optional(),
      })
      .loose(),
  })
  .loose();

// GET /orders/order_ack
export const orderAckRequest = z
  .object({
    ...envelope,
    data: z
      .object({
        order: z.object({ acks: queryListOf(idLike).refine((acks) => acks.length > 0, 'must name at least one order') }).loose(),
        client_id: retailopsIdLike.optional(),
        channel: channelBlock,
      })
      .loose(),
  })
  .loose();

const shipItem = z
  .object({
    sku: idLike.optional(),
    channel_item_refnum: idLike.optional(),
    channel_refnum: idLike.optional(),
    quantity: countLike.optional(),
  })
  .loose();

const shipPackage = z
  .object({
    id: idLike,
    carrier_code: z.string().max(100).nullish(),
    carrier_name: z.string().max(200).nullish(),
    class_name: z.string().max(200).nullish(),
    carrier_class_name: z.string().max(200).nullish(),
    tracking_number: z.union([z.string().max(200), z.number()]).nullish(),
    date_shipped: z.string().max(64).nullish(),
    ship_items: listOf(shipItem).optional(),
  })
  .loose();

const shipment = z.object({ id: idLike, packages: listOf(shipPackage).default([]) }).loose();

// POST /orders/complete
export const orderCompleteRequest = z
  .object({
    ...envelope,
    data: z
      .object({
        order: orderRef.extend({
          shipments: listOf(shipment).default([]),
          unshipped_items_ref: listOf(idLike).default([]),
          grand_total: amountLike.optional(),
        }),
        channel: channelBlock.optional(),
      })
      .loose(),
  })
  .loose();

// POST /orders/cancel and POST /order_cancel
export const orderCancelRequest = z
  .object({
    ...envelope,
    data: z.object({ order: orderRef, channel: channelBlock.optional() }).loose(),
  })
  .loose();

const updateLineItem = z
  .object({
    sku: idLike,
    quantity: countLike,
    removed: flagLike.optional(),
    unit_price: amountLike.optional(),
    corr: idLike.optional(),
  })
  .loose();

// POST /order_update
export const orderUpdateRequest = z
  .object({
    ...envelope,
    data: z
      .object({
        line_items: listOf(updateLineItem).refine((items) => items.length > 0, 'must list at least one line item'),
        order: orderRef,
        channel: channelBlock.optional(),
      })
      .loose(),
  })
  .loose();

const returnItem = z
  .object({ sku: idLike, quantity: countLike.pipe(z.number().min(1, 'must be at least 1')), order_item_id: idLike.optional() })
  .loose();

const creditItem = z
  .object({
    sku: idLike.optional(),
    channel_item_refnum: idLike.optional(),
    quantity: countLike.optional(),
    item_credit_amt: amountLike.optional(),
    reason: z.string().max(200).optional(),
  })
  .loose();

// POST /orders (order_returned)
export const orderReturnedRequest = z
  .object({
    ...envelope,
    data: z
      .object({
        order: orderRef,
        channel: channelBlock.optional(),
        return: z
          .object({
            id: idLike,
            items: listOf(returnItem).default([]),
            credit_items_ref: listOf(creditItem).default([]),
            refund_amt: amountLike.optional(),
            refund_action: z.string().max(100).optional(),
          })
          .loose(),
      })
      .loose(),
  })
  .loose();

export type OrderFetchRequest = z.infer<typeof orderFetchRequest>;
export type OrderAckRequest = z.infer<typeof orderAckRequest>;
export type OrderCompleteRequest = z.infer<typeof orderCompleteRequest>;
export type OrderCancelRequest = z.infer<typeof orderCancelRequest>;
export type OrderUpdateRequest = z.infer<typeof orderUpdateRequest>;
export type OrderReturnedRequest = z.infer<typeof orderReturnedRequest>;
