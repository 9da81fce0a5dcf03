import { describe, expect, it } from 'vitest';
import { demoOrderId } from '../../sandbox/demo-orders.js';
import type { StoredOrder } from '../../sandbox/types.js';
import { setupSandbox } from './helpers.js';

const cancelUrl = (orderNumber: string): string => `/orders/order-number/${orderNumber}/actions/cancel`;
const item = (order: StoredOrder, lineItemId: string) => order.items.find((i) => i.lineItemId === lineItemId);

describe('cancel', () => {
  it('cancels every open unit when no items are given, leaving shipped units alone', async () => {
    const { v3 } = await setupSandbox();
    const response = await v3('POST', cancelUrl('496'), { reasonCode: 'CUSTOMER_REQUEST', source: 'RetailOPS' });
    expect(response.statusCode).toBe(200);
    const order = response.json() as StoredOrder;
    expect(order.version).toBe(2);
    expect(item(order, '496')).toMatchObject({ cancelledQuantity: 1, lineOrderStatus: 'CANCELLED' });
    expect(item(order, '7397')).toMatchObject({ cancelledQuantity: 3 });
    expect(item(order, '7395')).toMatchObject({ cancelledQuantity: 0, shippedQuantity: 1 });
    // The one live unit is shipped, so the order is now shipped rather than cancelled.
    expect(order.statusCode).toBe('ORDER_SHIPPED');
  });

  it('recalculates the totals as fabric does: the cancelled units take their price and their share of tax out', async () => {
    const { v3 } = await setupSandbox();
    // 498: 1 × 1.00 (tax 0.07) and 2 × 30.00 (tax 4.20), shipping 12.50: total 77.77. One of the 30.00 units goes.
    const response = await v3('POST', cancelUrl('498'), { reasonCode: 'X', items: [{ lineItemId: '7403', itemUnitNumber: 2, quantity: 1 }] });
    expect(response.statusCode).toBe(200);
    const order = response.json() as StoredOrder;
    expect(item(order, '7403')).toMatchObject({ cancelledQuantity: 1, itemTaxTotal: 2.1 });
    expect(order).toMatchObject({ orderSubtotal: 31, taxTotal: 2.17, orderDiscount: 0, orderTotal: 45.67 });
  });

  it('fully cancels an unshipped order, then answers 412 ORDER-2004', async () => {
    const { v3 } = await setupSandbox();
    const first = await v3('POST', cancelUrl('498'), { reasonCode: 'FRAUD' });
    expect(first.statusCode).toBe(200);
    expect(first.json()).toMatchObject({ statusCode: 'ORDER_CANCELLED', cancelledAt: expect.any(String) });

    const again = await v3('POST', cancelUrl('498'), { reasonCode: 'FRAUD' });
    expect(again.statusCode).toBe(412);
    expect(again.json()).toMatchObject({ type: 'CLIENT_ERROR', errorCode: 'ORDER-2004', message: 'Order already cancelled' });
  });

  it('cancels by orderId too', async () => {
    const { v3 } = await setupSandbox();
    const response = await v3('POST', `/orders/${demoOrderId('497')}/actions/cancel`, { reasonCode: 'X' });
    expect(response.statusCode).toBe(200);
    expect(response.json().statusCode).toBe('ORDER_CANCELLED');
  });

  it('cancels part of a line item (the seed order_update lowering 7397 from 3 to 2)', async () => {
    const { v3 } = await setupSandbox();
    const response = await v3('POST', cancelUrl('496'), {
      reasonCode: 'QUANTITY_CHANGED',
      items: [{ lineItemId: '7397', itemUnitNumber: 1, quantity: 1 }],
    });
    expect(response.statusCode).toBe(200);
    const order = response.json() as StoredOrder;
    expect(item(order, '7397')).toMatchObject({
      cancelledQuantity: 1,
      quantityInStatus: expect.objectContaining({ created: 2, cancelled: 1 }),
      lineOrderStatus: 'PARTIALLY_CANCELLED',
    });
    expect(order.statusCode).toBe('ORDER_PARTIALLY_SHIPPED');
  });

  it('reports each cancel with its attributes: the request on the order (cancellations), each entry on its line', async () => {
    const { v3 } = await setupSandbox();
    const response = await v3('POST', cancelUrl('496'), {
      reasonCode: 'QUANTITY_CHANGED',
      source: 'RetailOPS',
      attributes: { retailopsJobId: 'update-1' },
      items: [{ lineItemId: '7397', itemUnitNumber: 3, quantity: 1, attributes: { retailopsJobId: 'update-1' } }],
    });
    expect(response.statusCode).toBe(200);
    const order = response.json() as StoredOrder;
    expect(order.cancellations).toEqual([
      { cancellationCounter: '1', reasonCode: 'QUANTITY_CHANGED', source: 'RetailOPS', attributes: { retailopsJobId: 'update-1' }, status: 'COMPLETED' },
    ]);
    expect(item(order, '7397')?.cancellations).toEqual([
      { cancellationCounter: '1', quantity: 1, reasonCode: 'QUANTITY_CHANGED', source: 'RetailOPS', attributes: { retailopsJobId: 'update-1' }, status: 'COMPLETED' },
    ]);
  });

  it('answers 412 ORDER-2011 when nothing is cancellable', async () => {
    const { v3 } = await setupSandbox();
    // 496 minus its open units leaves only the shipped 7395.
    await v3('POST', cancelUrl('496'), { reasonCode: 'R', items: [{ lineItemId: '496', itemUnitNumber: 1, quantity: 1 }, { lineItemId: '7397', itemUnitNumber: 1, quantity: 3 }] });
    const whole = await v3('POST', cancelUrl('496'), { reasonCode: 'R' });
    expect(whole.statusCode).toBe(412);
    expect(whole.json()).toMatchObject({ errorCode: 'ORDER-2011', message: 'No line item available for cancellation' });

    const shippedItem = await v3('POST', cancelUrl('496'), { reasonCode: 'R', items: [{ lineItemId: '7395', itemUnitNumber: 1, quantity: 1 }] });
    expect(shippedItem.statusCode).toBe(412);
    expect(shippedItem.json().errorCode).toBe('ORDER-2011');
  });

  it('answers 412 ORDER-2011 for an unknown line item and ORDER-2012 for too many units, changing nothing', async () => {
    const { v3 } = await setupSandbox();
    const unknown = await v3('POST', cancelUrl('496'), {
      reasonCode: 'R',
      items: [{ lineItemId: '496', itemUnitNumber: 1, quantity: 1 }, { lineItemId: 'nope', itemUnitNumber: 1, quantity: 1 }],
    });
    expect(unknown.statusCode).toBe(412);
    expect(unknown.json().errorCode).toBe('ORDER-2011');

    const tooMany = await v3('POST', cancelUrl('496'), {
      reasonCode: 'R',
      // 2 + 2 of the same line exceed its 3 open units, even though each entry alone fits.
      items: [{ lineItemId: '496', itemUnitNumber: 1, quantity: 1 }, { lineItemId: '7397', itemUnitNumber: 1, quantity: 2 }, { lineItemId: '7397', itemUnitNumber: 1, quantity: 2 }],
    });
    expect(tooMany.statusCode).toBe(412);
    expect(tooMany.json()).toMatchObject({ errorCode: 'ORDER-2012', message: 'Quantity not available for cancellation' });

    const order = (await v3('GET', '/orders/order-number/496')).json() as StoredOrder;
    expect(order.version).toBe(1);
    expect(order.items.every((i) => i.cancelledQuantity === 0)).toBe(true);
  });

  it('validates the body: 400 SERVICE-4003 without reasonCode, 4002 for bad items', async () => {
    const { v3 } = await setupSandbox();
    const noReason = await v3('POST', cancelUrl('496'), { items: [{ lineItemId: '496', itemUnitNumber: 1, quantity: 1 }] });
    expect(noReason.statusCode).toBe(400);
    expect(noReason.json()).toMatchObject({ errorCode: 'SERVICE-4003' });
    expect(noReason.json().message).toContain('reasonCode');

    const zero = await v3('POST', cancelUrl('496'), { reasonCode: 'R', items: [{ lineItemId: '496', itemUnitNumber: 1, quantity: 0 }] });
    expect(zero.statusCode).toBe(400);
    expect(zero.json().errorCode).toBe('SERVICE-4002');

    // fabric's orderCancelLineItem requires itemUnitNumber, and the units it names must exist on the line.
    const noUnit = await v3('POST', cancelUrl('496'), { reasonCode: 'R', items: [{ lineItemId: '7397', quantity: 1 }] });
    expect(noUnit.statusCode).toBe(400);
    expect(noUnit.json()).toMatchObject({ errorCode: 'SERVICE-4003' });
    expect(noUnit.json().message).toContain('itemUnitNumber');
    const pastTheLine = await v3('POST', cancelUrl('496'), { reasonCode: 'R', items: [{ lineItemId: '7397', itemUnitNumber: 3, quantity: 2 }] });
    expect(pastTheLine.statusCode).toBe(400);
    expect(pastTheLine.json()).toMatchObject({ errorCode: 'SERVICE-4002' });
    expect(pastTheLine.json().message).toContain('7397');

    // An empty list must not silently mean "cancel everything".
    const empty = await v3('POST', cancelUrl('496'), { reasonCode: 'R', items: [] });
    expect(empty.statusCode).toBe(400);
    expect(empty.json().errorCode).toBe('SERVICE-4002');
  });

  it('answers 404 SERVICE-4004 for an unknown order', async () => {
    const { v3 } = await setupSandbox();
    const response = await v3('POST', cancelUrl('999'), { reasonCode: 'R' });
    expect(response.statusCode).toBe(404);
    expect(response.json()).toMatchObject({ errorCode: 'SERVICE-4004', message: 'Order 999 not found' });
  });
});
