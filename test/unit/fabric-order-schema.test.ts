import { describe, expect, it } from 'vitest';
import { isHeld } from '../../shared/fabric/order-hold.js';
import { fabricOrderSchema } from '../../shared/fabric/schemas.js';
import { toChannelOrder } from '../../shared/inbox/map-order.js';

/** The bridge reads fabric's order requiring only what fabric's spec requires (shared/fabric/schemas.ts). */
describe('fabric order schema', () => {
  it('reads an order with only the spec-required fields, nulls taken as absent; amounts default to "0", never a float', () => {
    const order = fabricOrderSchema.parse({
      orderNumber: 'N-1',
      channelId: '12',
      version: 1,
      statusCode: 'ORDER_CREATED',
      orderReleasedAt: '2024-01-01T00:00:00.000Z',
      orderTotal: 0.3,
      taxTotal: null,
      currency: 'USD',
      customer: null,
      payments: null,
      attributes: null,
      shipInfo: [{ shipToId: 's', shipToPrice: null, shipToAddress: { city: null } }],
      items: [{ itemId: 1, lineItemId: 'l1', lineItemNumber: 1, shipToId: 's', sku: 'A', orderedQuantity: 3, itemUnitPrice: 0.1, cancelledQuantity: null }],
    });
    const channel = toChannelOrder(order);
    expect(channel).toMatchObject({ refnum: 'N-1', fabricOrderId: '', currency: 'USD', grandTotal: '0.30', shippingTotal: '0.00', taxTotal: '0.00', payments: [], status: 'ORDER_CREATED' });
    expect(channel.items).toEqual([
      { ref: 'l1', sku: 'A', title: 'A', quantity: 3, unitPrice: '0.10', unitTax: '0.00', taxTotal: '0.00', discountTotal: '0.00', feeTotal: '0.00', kind: 'ship' },
    ]);
  });

  it('still needs an item quantity: without it no line can be offered, so the order is skipped', () => {
    const result = fabricOrderSchema.safeParse({ orderNumber: 'N-2', statusCode: 'ORDER_CREATED', items: [{ lineItemId: 'l1', sku: 'A' }] });
    expect(result.success).toBe(false);
  });
});

describe('isHeld', () => {
  it.each([
    ['ORDER_HOLD_EXTERNAL', '2024-01-01T00:00:00.000Z', true],
    ['ORDER_HOLD_FRAUD', undefined, true],
    ['ORDER_FRAUD_REVIEW', undefined, true],
    ['ORDER_CREATED', undefined, true],
    ['ORDER_CREATED', '2024-01-01T00:00:00.000Z', false],
    ['ORDER_ALLOCATED', undefined, false],
    ['ORDER_CANCELLED', undefined, false],
  ] as const)('%s released at %s: %s', (statusCode, orderReleasedAt, held) => {
    expect(isHeld({ statusCode, orderReleasedAt })).toBe(held);
  });
});
