import { z } from 'zod';

/**
 * The parts of fabric's order that the bridge reads. Objects are loose: fields fabric adds are kept, not rejected.
 * Amounts stay as fabric sends them (JSON numbers) until mapped, where they become decimal strings (shared/money.ts).
 */
const amount = z.number();
const name = z.object({ firstName: z.string().optional(), lastName: z.string().optional() }).loose();
const phone = z.object({ number: z.string().optional() }).loose();

export const fabricAddressSchema = z
  .object({
    addressLine1: z.string().optional(),
    addressLine2: z.string().optional(),
    city: z.string().optional(),
    region: z.string().optional(),
    postalCode: z.string().optional(),
    countryCode: z.string().optional(),
    name: name.optional(),
    phone: phone.optional(),
    email: z.string().optional(),
  })
  .loose();

export const fabricItemSchema = z
  .object({
    lineItemId: z.string(),
    lineItemNumber: z.number().optional(),
    sku: z.string(),
    itemName: z.string().optional(),
    itemUnitPrice: amount.optional(),
    itemTaxTotal: amount.optional(),
    itemDiscountsTotal: amount.optional(),
    orderedQuantity: z.number().int(),
    cancelledQuantity: z.number().int().default(0),
    shippedQuantity: z.number().int().default(0),
    returnedQuantity: z.number().int().default(0),
  })
  .loose();

export const fabricOrderSchema = z
  .object({
    orderId: z.string(),
    orderNumber: z.string(),
    statusCode: z.string(),
    currency: z.string().optional(),
    createdAt: z.string().optional(),
    orderedAt: z.string().optional(),
    customer: z
      .object({ name: name.optional(), email: z.string().optional(), phone: phone.optional(), company: z.string().optional() })
      .loose()
      .optional(),
    items: z.array(fabricItemSchema).default([]),
    shipInfo: z
      .array(
        z
          .object({
            shipMethod: z.string().optional(),
            shipToPrice: amount.optional(),
            shipToAddress: fabricAddressSchema.optional(),
            attributes: z.record(z.string(), z.unknown()).optional(),
          })
          .loose(),
      )
      .default([]),
    payments: z
      .array(
        z
          .object({
            paymentMethod: z.string().optional(),
            paymentToken: z.object({ paymentType: z.string().optional() }).loose().optional(),
            chargedAmount: amount.optional(),
            authorizedAmount: amount.optional(),
            billToAddress: fabricAddressSchema.optional(),
          })
          .loose(),
      )
      .default([]),
    orderTotal: amount.optional(),
    orderSubtotal: amount.optional(),
    taxTotal: amount.optional(),
    orderDiscount: amount.optional(),
    feeTotal: amount.optional(),
    attributes: z.record(z.string(), z.unknown()).default({}),
    returns: z.array(z.object({ attributes: z.record(z.string(), z.unknown()).optional() }).loose()).default([]),
  })
  .loose();

export const fabricSearchResultSchema = z.object({
  data: z.array(fabricOrderSchema),
  pagination: z.object({ offset: z.number(), limit: z.number(), count: z.number() }).loose(),
});

export const fabricTokenSchema = z.object({ access_token: z.string().min(1), expires_in: z.number().positive() }).loose();

export const fabricErrorBodySchema = z
  .object({ type: z.string().optional(), errorCode: z.string().optional(), message: z.string().optional() })
  .loose();

export const fabricShipmentResultSchema = z.object({ shipmentId: z.string().optional(), shipmentNumber: z.string().optional() }).loose();
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
  items?: { lineItemId: string; quantity: number; reasonCode: string }[];
}

export interface ReturnRequestBody {
  source: string;
  reasonCode: string;
  totalRefundAmount?: number;
  attributes: Record<string, string>;
  items: { orderLineItemId: string; quantity: number; returnType: 'RECEIVED'; refundAmount?: number; reasonCode: string }[];
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

export interface SearchFilter {
  field: string;
  condition: 'EQ' | 'NEQ' | 'LT' | 'GT' | 'LTE' | 'GTE';
  value: string | number | boolean;
}
