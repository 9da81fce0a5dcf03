// The parts of fabric's order that the bridge reads. Objects are loose: fields fabric adds are kept, not rejected.
// Amounts stay as fabric sends them (JSON numbers) until mapped, where they become decimal strings (shared/money.ts).
//
// Required here is only what fabric's spec requires (fabric-orders-openapi.yml, `orderResponse.required`: channelId,
// items, orderNumber, shipInfo, statusCode, version; `orderItem.required`: itemId, lineItemId, lineItemNumber,
// shipToId, sku), less what the bridge never reads (channelId, version, itemId, lineItemNumber, shipToId), plus one
// field the spec leaves optional but without which no line can be offered, cancelled or shipped: `orderedQuantity`.
// An order without it fails to parse and is skipped by the sync on its own (workers/order/sync-orders.ts), not the
// page. Everything else is optional, and a JSON null counts as absent: fabric sends nulls for unset amounts.
import { z } from 'zod';

function optional<T extends z.ZodType>(schema: T) {
  return z.preprocess((value) => (value === null ? undefined : value), schema.optional());
}
function listOf<T extends z.ZodType>(schema: T) {
  return z.preprocess((value) => (value === null ? undefined : value), z.array(schema).default([]));
}
const amount = z.number();
const text = z.string();
const name = z.object({ firstName: optional(text), lastName: optional(text) }).loose();
const phone = z.object({ number: optional(text) }).loose();
const attributes = z.record(z.string(), z.unknown());

/** A cancel as the order reports it (cancellationResource, cancellationItemResource): who, why, and the marks sent. */
const cancellationSchema = z.object({ reasonCode: optional(text), source: optional(text), attributes: optional(attributes) }).loose();

export const fabricAddressSchema = z
  .object({
    addressLine1: optional(text),
    addressLine2: optional(text),
    addressLine3: optional(text),
    addressLine4: optional(text),
    city: optional(text),
    region: optional(text),
    postalCode: optional(text),
    countryCode: optional(text),
    name: optional(name),
    phone: optional(phone),
    email: optional(text),
  })
  .loose();

export const fabricItemSchema = z
  .object({
    lineItemId: z.string(),
    lineItemNumber: optional(z.number()),
    sku: z.string(),
    itemName: optional(text),
    itemUnitPrice: optional(amount),
    itemTaxTotal: optional(amount),
    itemDiscountsTotal: optional(amount),
    itemFeeTotal: optional(amount),
    /** Which ship-to the line goes to, and what kind of line it is (WEB_SHIP, WEB_PICKUP…): free text in the spec. */
    shipToId: optional(text),
    type: optional(text),
    itemSubtype: optional(text),
    orderedQuantity: z.number().int(),
    cancelledQuantity: optional(z.number().int()).transform((value) => value ?? 0),
    /** Each cancel of the line's units (cancellationItemResource): how a retry recognises its own earlier cancel. */
    cancellations: listOf(cancellationSchema.extend({ quantity: optional(z.number().int()) })),
    shippedQuantity: optional(z.number().int()).transform((value) => value ?? 0),
    returnedQuantity: optional(z.number().int()).transform((value) => value ?? 0),
  })
  .loose();

export const fabricOrderSchema = z
  .object({
    orderId: optional(text),
    orderNumber: z.string(),
    statusCode: z.string(),
    /** When fabric released the order from its default hold; absent while held (shared/fabric/order-hold.ts). */
    orderReleasedAt: optional(text),
    currency: optional(text),
    createdAt: optional(text),
    orderedAt: optional(text),
    customer: optional(
      z.object({ name: optional(name), email: optional(text), phone: optional(phone), company: optional(text) }).loose(),
    ),
    items: listOf(fabricItemSchema),
    /** Each cancel request that took effect (cancellationResource), with the attributes the request carried. */
    cancellations: listOf(cancellationSchema),
    shipInfo: listOf(
      z
        .object({
          shipToId: optional(text),
          shipToType: optional(text),
          shipMethod: optional(text),
          shipToPrice: optional(amount),
          shipToDiscount: optional(amount),
          shipToAddress: optional(fabricAddressSchema),
          attributes: optional(attributes),
        })
        .loose(),
    ),
    payments: listOf(
      z
        .object({
          paymentMethod: optional(text),
          paymentProvider: optional(text),
          paymentToken: optional(z.object({ paymentType: optional(text) }).loose()),
          chargedAmount: optional(amount),
          authorizedAmount: optional(amount),
          billToAddress: optional(fabricAddressSchema),
          /** The payment's capture as fabric reports it (order_settle_payment, workers/settle/plan-settle.ts). */
          currency: optional(text),
          paidAt: optional(text),
          paymentStatus: optional(text),
          refundAmount: optional(amount),
        })
        .loose(),
    ),
    orderTotal: optional(amount),
    orderSubtotal: optional(amount),
    taxTotal: optional(amount),
    orderDiscount: optional(amount),
    feeTotal: optional(amount),
    /** What fabric's Invoice service captured; absent when a third party captures (orders spec, orderResponse). */
    invoiceTotal: optional(amount),
    attributes: z.preprocess((value) => (value === null ? undefined : value), attributes.default({})),
    returns: listOf(z.object({ attributes: optional(attributes) }).loose()),
  })
  .loose();

/**
 * A search page. Orders stay unparsed here: one order fabric sends in a shape the bridge cannot read must not fail
 * the page (and stall every order behind it), so the caller parses each one (fabricOrderSchema) and skips the bad.
 */
export const fabricSearchResultSchema = z.object({
  data: z.array(z.unknown()),
  pagination: z.object({ offset: z.number(), limit: z.number(), count: z.number() }).loose(),
});

export const fabricTokenSchema = z.object({ access_token: z.string().min(1), expires_in: z.number().positive() }).loose();

export const fabricErrorBodySchema = z
  .object({ type: z.string().optional(), errorCode: z.string().optional(), message: z.string().optional() })
  .loose();

export const fabricShipmentResultSchema = z.object({ shipmentId: z.string().optional(), shipmentNumber: z.string().optional() }).loose();

/**
 * A shipment as the Shipments API returns it (fabric-shipments-openapi.yml `shipmentResponse`): fabric's order has no
 * shipments, so this is where a return finds the `shipmentId` and `shipmentLineId` (the item's `shipmentLineItemId`)
 * that submit-return-request requires, and where a retried shipment finds that it already exists.
 */
/**
 * fabric's shipmentResponse requires only `version`, and a shipment item nothing: every field is optional here, and
 * the readers skip what they cannot use (a return needs the shipment id, the line id and the order line it shipped).
 */
export const fabricShipmentSchema = z
  .object({
    shipmentId: optional(text),
    shipmentNumber: optional(text),
    /** The orders the shipment belongs to: a search answer is checked against it. */
    orderNumbers: listOf(text),
    shippedAt: z.string().optional(),
    cartons: z
      .array(
        z
          .object({
            items: z
              .array(
                z
                  .object({
                    lineItemId: optional(text),
                    shipmentLineItemId: optional(text),
                    shippedQuantity: optional(z.number().int()).transform((value) => value ?? 0),
                    returnQuantity: optional(z.number().int()).transform((value) => value ?? 0),
                  })
                  .loose(),
              )
              .default([]),
          })
          .loose(),
      )
      .default([]),
  })
  .loose();

export const fabricShipmentSearchResultSchema = z.object({
  data: listOf(fabricShipmentSchema),
  /** Optional in the spec: without it, a page shorter than the limit is the last. */
  pagination: optional(z.object({ count: optional(z.number()) }).loose()),
});

export type FabricShipment = z.infer<typeof fabricShipmentSchema>;
/** fabric's `inventory` (fabric-inventory-openapi.yml `inventory`): what a write answers; only its counters are read. */
export const fabricInventorySchema = z
  .object({ inventoryId: z.string().optional(), sku: z.string().optional(), locationNumber: z.number().optional(), counters: z.record(z.string(), z.number()).optional() })
  .loose();
export type FabricInventory = z.infer<typeof fabricInventorySchema>;
/** The body of find-and-update and of create (`updateInventory`, `createInventory`): the fields the bridge sets. */
export interface InventoryWriteBody {
  readonly sku: string;
  readonly locationNumber: number;
  readonly counters: Record<string, number>;
}
export const fabricReturnResultSchema = z.object({ refundStatus: z.string().optional(), totalRefundAmount: z.number().optional() }).loose();

export type FabricOrder = z.infer<typeof fabricOrderSchema>;
export type FabricItem = z.infer<typeof fabricItemSchema>;
export type FabricAddress = z.infer<typeof fabricAddressSchema>;

/** Request bodies the bridge sends (fabric's field names). */
export interface CancelRequestBody {
  reasonCode: string;
  source: string;
  note?: string;
  attributes?: Record<string, string>;
  /** fabric requires all three on each item (orderCancelLineItem); `itemUnitNumber` is the first unit cancelled. */
  items?: { lineItemId: string; itemUnitNumber: number; quantity: number; reasonCode: string; attributes?: Record<string, string> }[];
}

export interface ReturnRequestBody {
  source: string;
  reasonCode: string;
  totalRefundAmount?: number;
  /** Each value an object: fabric's order shows a return's attributes as objects (`orderReturnsInfo`). */
  attributes: Record<string, { id: string }>;
  items: ReturnRequestItem[];
}

/** fabric's `returnItem`: the unit comes back from a named shipment line, scanned at a time (all required). */
export interface ReturnRequestItem {
  orderLineItemId: string;
  quantity: number;
  returnType: 'RECEIVED';
  /** When RetailOPS reported the return: fabric's "scanned time of return (UTC)". */
  scannedAt: string;
  shipmentId: string;
  shipmentLineId: string;
  refundAmount?: number;
  reasonCode: string;
}

export interface ShipmentRequestBody {
  shipmentNumber: string;
  shippedAt?: string;
  cartons: {
    shipmentCarrier?: string;
    shipmentMethod?: string;
    trackingNumber?: string;
    items: { lineItemId: string; shippedQuantity: number; orderNumber: string; sku: string }[];
  }[];
}

export type SearchFilter =
  | { field: string; condition: 'EQ' | 'NEQ' | 'LT' | 'GT' | 'LTE' | 'GTE'; value: string | number }
  /** fabric's valuesSearchFilter (`IN` / `NIN` with `values`); the spec allows no booleans in either. */
  | { field: string; condition: 'IN' | 'NIN'; values: (string | number)[] };
