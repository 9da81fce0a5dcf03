// The body accepted by POST /v3/orders (and the /_sandbox/orders test hook). Loose objects: fabric
// orders carry many more fields than the sandbox interprets, and those are stored untouched.
import { z } from 'zod';

const money = z.number().finite();
const count = z.number().int().min(0);
const isoDateTime = z.iso.datetime({ offset: true });
const record = z.record(z.string(), z.unknown());

export const orderItemInputSchema = z
  .looseObject({
    lineItemId: z.string().min(1).optional(),
    lineItemNumber: z.number().int().min(1).optional(),
    sku: z.string().min(1),
    itemName: z.string().optional(),
    itemUnitPrice: money,
    orderedQuantity: z.number().int().min(1),
    cancelledQuantity: count.default(0),
    shippedQuantity: count.default(0),
    returnedQuantity: count.default(0),
    itemTaxTotal: money.optional(),
    itemDiscountsTotal: money.optional(),
  })
  // Quantities must describe a reachable state, or status derivation would produce nonsense.
  .refine((item) => item.cancelledQuantity + item.shippedQuantity <= item.orderedQuantity, {
    message: 'cancelledQuantity + shippedQuantity exceeds orderedQuantity',
    path: ['orderedQuantity'],
  })
  .refine((item) => item.returnedQuantity <= item.shippedQuantity, {
    message: 'returnedQuantity exceeds shippedQuantity',
    path: ['returnedQuantity'],
  });

/**
 * A payment as fabric's create-order takes it (orders.orderPaymentRequest): the fields the bridge reads are typed as
 * the spec types them, the rest stored as sent. `chargedAmount` and `paidAt` given here are a capture at checkout
 * ("a merchant-defined value during order creation"); the sandbox captures nothing later (docs/fabric.md).
 */
const paymentInputSchema = z.looseObject({
  paymentCounter: z.number().int().optional(),
  paymentMethod: z.string().optional(),
  currency: z.string().optional(),
  authorizedAmount: money.optional(),
  chargedAmount: money.optional(),
  paidAt: isoDateTime.optional(),
  paymentStatus: z.string().optional(),
});

export const orderInputSchema = z.looseObject({
  orderNumber: z.string().min(1),
  orderId: z.string().regex(/^[0-9a-f]{24}$/, 'orderId must be 24 hex characters').optional(),
  channelId: z.union([z.string().min(1), z.number().int()]).transform(String).optional(),
  currency: z.string().length(3).optional(),
  orderedAt: isoDateTime.optional(),
  createdAt: isoDateTime.optional(),
  updatedAt: isoDateTime.optional(),
  // A hold to create the order in (sandbox/hold.ts); without one the order is released at creation.
  statusCode: z.enum(['ORDER_HOLD_EXTERNAL', 'ORDER_HOLD_FRAUD']).optional(),
  orderReleasedAt: isoDateTime.optional(),
  customer: record.optional(),
  items: z.array(orderItemInputSchema).min(1),
  shipInfo: z.array(z.looseObject({ shipToPrice: money.optional() })).default([]),
  payments: z.array(paymentInputSchema).default([]),
  orderSubtotal: money.optional(),
  taxTotal: money.optional(),
  orderDiscount: money.optional(),
  feeTotal: money.optional(),
  orderTotal: money.optional(),
  attributes: record.default({}),
});

/** What a caller sends to create an order: fabric's order shape, most fields optional. */
export type SandboxOrderInput = z.input<typeof orderInputSchema>;
export type ParsedOrderInput = z.output<typeof orderInputSchema>;
