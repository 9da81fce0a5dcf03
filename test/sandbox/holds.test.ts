import { describe, expect, it } from 'vitest';
import type { StoredOrder } from '../../sandbox/types.js';
import { setupSandbox } from './helpers.js';

/** fabric's order hold (sandbox/hold.ts): held at creation on request; a fraud hold released by fraud-release. */
const item = { sku: 'S1', itemUnitPrice: 10, orderedQuantity: 2 };

describe('order holds', () => {
  it('releases an order at creation unless it is created held (the sandbox hold period is zero)', async () => {
    const { v3 } = await setupSandbox({ now: () => Date.parse('2024-05-01T12:00:00.000Z') });
    const plain = (await v3('POST', '/orders', { orderNumber: 'P-1', items: [item] })).json() as StoredOrder;
    expect(plain).toMatchObject({ statusCode: 'ORDER_CREATED', orderReleasedAt: '2024-05-01T12:00:00.000Z' });
    const demo = (await v3('GET', '/orders/order-number/497')).json() as StoredOrder;
    expect(demo.orderReleasedAt).toBe(demo.createdAt);

    for (const statusCode of ['ORDER_HOLD_EXTERNAL', 'ORDER_HOLD_FRAUD'] as const) {
      const held = await v3('POST', '/orders', { orderNumber: `H-${statusCode}`, statusCode, items: [item] });
      expect(held.statusCode).toBe(201);
      const order = held.json() as StoredOrder;
      expect(order.statusCode).toBe(statusCode);
      expect(order.orderReleasedAt).toBeUndefined();
      expect(order.items[0]?.quantityInStatus).toMatchObject({ created: 0, hold: 2 });
    }
  });

  it('fraud-release (by number or id) releases a held order: orderReleasedAt set, status from its items', async () => {
    let now = Date.parse('2024-05-01T12:00:00.000Z');
    const { v3 } = await setupSandbox({ now: () => now });
    const created = (await v3('POST', '/orders', { orderNumber: 'H-1', statusCode: 'ORDER_HOLD_FRAUD', items: [item] })).json() as StoredOrder;
    await v3('POST', '/orders', { orderNumber: 'H-2', statusCode: 'ORDER_HOLD_EXTERNAL', items: [item] });
    now += 60_000;

    const byNumber = await v3('POST', '/orders/order-number/H-1/actions/fraud-release');
    expect(byNumber.statusCode).toBe(200);
    expect(byNumber.json()).toEqual({ message: 'OK' });
    const released = (await v3('GET', '/orders/order-number/H-1')).json() as StoredOrder;
    expect(released).toMatchObject({ statusCode: 'ORDER_CREATED', orderReleasedAt: '2024-05-01T12:01:00.000Z', version: 2 });
    expect(released.items[0]?.quantityInStatus).toMatchObject({ created: 2, hold: 0 });

    const again = await v3('POST', `/orders/${created.orderId}/actions/fraud-release`);
    expect(again.statusCode).toBe(400);
    expect(again.json()).toMatchObject({ errorCode: 'SERVICE-4002', message: 'Order H-1 is not on hold' });

    // An external hold is not a fraud hold: fabric releases it through update-status, not fraud-release.
    const h2 = (await v3('GET', '/orders/order-number/H-2')).json() as StoredOrder;
    const external = await v3('POST', `/orders/${h2.orderId}/actions/fraud-release`);
    expect(external.statusCode).toBe(400);
    expect(external.json()).toMatchObject({ message: 'Order H-2 is not on a fraud hold (ORDER_HOLD_EXTERNAL)' });
    expect((await v3('GET', '/orders/order-number/H-2')).json()).toMatchObject({ statusCode: 'ORDER_HOLD_EXTERNAL' });
    expect((await v3('POST', '/orders/order-number/nope/actions/fraud-release')).statusCode).toBe(404);
  });

  it('a held order keeps its hold through a partial cancel, and a full cancel ends it', async () => {
    const { v3 } = await setupSandbox();
    await v3('POST', '/orders', { orderNumber: 'H-3', statusCode: 'ORDER_HOLD_FRAUD', items: [{ ...item, lineItemId: 'l1' }] });
    const cancel = (quantity: number) =>
      v3('POST', '/orders/order-number/H-3/actions/cancel', { reasonCode: 'FRAUD', source: 'CSR', items: [{ lineItemId: 'l1', itemUnitNumber: 1, quantity, reasonCode: 'FRAUD' }] });
    expect((await cancel(1)).json()).toMatchObject({ statusCode: 'ORDER_HOLD_FRAUD' });
    expect((await cancel(1)).json()).toMatchObject({ statusCode: 'ORDER_CANCELLED' });
  });
});
