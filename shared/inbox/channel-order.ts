import { createHash } from 'node:crypto';
import { z } from 'zod';

/**
 * A channel order as the inbox keeps it: read from fabric once (shared/inbox/map-order.ts), rendered per RetailOPS
 * dialect when fetched (seed 000's Order, the v1 SDK's order). Amounts are decimal strings with two decimals, split
 * by the worker so that each dialect's fields add up to fabric's orderTotal (docs/order-mapping.md); the renderers only
 * copy them. Fields added after the first release default, so bodies stored before them still read (the next sync's
 * re-read replaces them).
 */
const decimal = z.string().regex(/^-?\d+(\.\d+)?$/);
const zero = decimal.default('0.00');

export const channelAddressSchema = z.object({
  firstName: z.string(),
  lastName: z.string(),
  company: z.string(),
  line1: z.string(),
  line2: z.string(),
  /** fabric's addressLine3 / addressLine4: neither dialect has a field, so the renderers append them to line 2. */
  line3: z.string().default(''),
  line4: z.string().default(''),
  city: z.string(),
  region: z.string(),
  postalCode: z.string(),
  countryCode: z.string(),
  phone: z.string(),
});

export const channelPaymentSchema = z.object({
  /** fabric's paymentMethod (CREDIT_CARD, GIFT_CARD, …) and paymentToken.paymentType (VISA, …), as fabric names them. */
  method: z.string(),
  paymentType: z.string(),
  provider: z.string().default(''),
  /** Decides the v1 payment_processing_type: a gift card or store credit is not a card charge. */
  kind: z.enum(['card', 'giftcard', 'storecredit']).default('card'),
  /** fabric's chargedAmount: captured. */
  captured: zero,
  /** Authorised and not yet captured: authorizedAmount − chargedAmount, never below 0. */
  authorizedOpen: zero,
  /** Bodies stored before the split had only this (the captured-or-authorised amount). */
  amount: decimal.optional(),
});

export const channelItemSchema = z.object({
  /** fabric's lineItemId: RetailOPS' channel item refnum. */
  ref: z.string(),
  sku: z.string(),
  title: z.string(),
  /** Units not cancelled (ordered − cancelled): what fabric's itemSubtotal and the order's totals count. */
  quantity: z.number().int(),
  unitPrice: decimal,
  /** The line's tax divided by `quantity`, rounded down to the cent; the remainder goes to the order-level tax. */
  unitTax: decimal,
  /** fabric's itemTaxTotal, itemDiscountsTotal and itemFeeTotal for the line. */
  taxTotal: zero,
  discountTotal: zero,
  feeTotal: zero,
  /** v1 item_type: ship (RetailOPS ships it), advisory (picked up, not shippable, or already shipped), instore. */
  kind: z.enum(['ship', 'advisory', 'instore']).default('ship'),
});

export const channelOrderSchema = z.object({
  refnum: z.string(),
  fabricOrderId: z.string(),
  /**
   * fabric's statusCode when last read. Optional: bodies stored before it existed lack it. An order cancelled in
   * fabric after RetailOPS was offered it stays offered, in this state, so that RetailOPS learns of the cancel.
   */
  status: z.string().optional(),
  /** ISO 8601, when the customer placed the order. */
  createdAt: z.string(),
  currency: z.string(),
  /** fabric's orderTotal. */
  grandTotal: decimal,
  /** Σ shipToPrice, before any shipping discount. */
  shippingTotal: decimal,
  /** fabric's taxTotal: every tax of the order. */
  taxTotal: decimal,
  /** Every discount: items, order and shipping (the seed dialect has one discount field). */
  discountTotal: decimal,
  /** Σ shipToDiscount. */
  shippingDiscount: zero,
  /** orderDiscount beyond the items' discounts, plus the shipping discounts: v1's order-level discount_amt. */
  orderLevelDiscount: zero,
  /** taxTotal less Σ unitTax × quantity (shipping tax, order tax, per-unit remainders): v1's order-level tax_amt. */
  orderLevelTax: zero,
  /** fabric's feeTotal. */
  feeTotal: zero,
  giftMessage: z.string(),
  ipAddress: z.string(),
  shipMethod: z.string(),
  billTo: channelAddressSchema,
  shipTo: channelAddressSchema,
  /** How many of fabric's ship-tos hold items: neither dialect can address items separately (docs/order-mapping.md). */
  shipToCount: z.number().int().default(1),
  customer: z.object({ email: z.string(), phone: z.string(), firstName: z.string(), lastName: z.string() }),
  payments: z.array(channelPaymentSchema),
  items: z.array(channelItemSchema),
});

export type ChannelOrder = z.infer<typeof channelOrderSchema>;

/**
 * A fingerprint of channelOrderSchema's shape, stored with every inbox body. A body carrying the current one was
 * written by a worker of this very schema from a typed ChannelOrder, so an order fetch reads it without checking it
 * again (that check was a fifth of the ingress's time per page); any other body (an older deploy's) is checked. Derived
 * from the schema itself, so a change of the schema can never be read with a stale fingerprint.
 */
export const CHANNEL_ORDER_SHAPE = createHash('sha256')
  .update(JSON.stringify(z.toJSONSchema(channelOrderSchema, { unrepresentable: 'any', io: 'output' })))
  .digest('hex')
  .slice(0, 16);
export type ChannelAddress = z.infer<typeof channelAddressSchema>;
export type ChannelPayment = z.infer<typeof channelPaymentSchema>;
export type ChannelItem = z.infer<typeof channelItemSchema>;
