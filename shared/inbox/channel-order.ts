import { z } from 'zod';

/**
 * A channel order as the inbox keeps it: read from fabric once (workers/order/map-order.ts), rendered per RetailOPS
 * dialect when fetched (seed 000's Order, the v1 SDK's order). Amounts are decimal strings.
 */
const decimal = z.string().regex(/^-?\d+(\.\d+)?$/);

export const channelAddressSchema = z.object({
  firstName: z.string(),
  lastName: z.string(),
  company: z.string(),
  line1: z.string(),
  line2: z.string(),
  city: z.string(),
  region: z.string(),
  postalCode: z.string(),
  countryCode: z.string(),
  phone: z.string(),
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
  grandTotal: decimal,
  shippingTotal: decimal,
  taxTotal: decimal,
  discountTotal: decimal,
  giftMessage: z.string(),
  ipAddress: z.string(),
  shipMethod: z.string(),
  billTo: channelAddressSchema,
  shipTo: channelAddressSchema,
  customer: z.object({ email: z.string(), phone: z.string(), firstName: z.string(), lastName: z.string() }),
  payments: z.array(z.object({ method: z.string(), paymentType: z.string(), amount: decimal })),
  items: z.array(
    z.object({
      /** fabric's lineItemId: RetailOPS' channel item refnum. */
      ref: z.string(),
      sku: z.string(),
      title: z.string(),
      quantity: z.number().int(),
      unitPrice: decimal,
      unitTax: decimal,
    }),
  ),
});

export type ChannelOrder = z.infer<typeof channelOrderSchema>;
export type ChannelAddress = z.infer<typeof channelAddressSchema>;
