import { describe, expect, it } from 'vitest';
import type { FabricOrder } from '../../sandbox/types.js';
import { setupSandbox } from './helpers.js';

const returnUrl = (orderNumber: string): string => `/orders/order-number/${orderNumber}/actions/submit-return-request`;

describe('submit-return-request', () => {
  it('returns a shipped unit (the seed order_returned of line 7395)', async () => {
    const { v3 } = await setupSandbox({ now: () => Date.parse('2024-02-02T10:00:00.000Z') });
    const response = await v3('POST', returnUrl('496'), {
      source: 'RetailOPS',
      reasonCode: 'CustomerReturn',
      attributes: { retailopsReturnId: '87' },
      items: [{ orderLineItemId: '7395', quantity: 1, returnType: 'RECEIVED' }],
    });
    expect(response.statusCode).toBe(201);
    expect(response.json()).toEqual({
      refundStatus: 'PENDING',
      totalRefundAmount: 30,
      items: [{ lineItemId: '7395', returnQuantity: 1, refundAmount: 30, returnStatus: 'RECEIVED' }],
    });

    const order = (await v3('GET', '/orders/order-number/496')).json() as FabricOrder;
    expect(order.statusCode).toBe('ORDER_PARTIALLY_RETURNED');
    expect(order.version).toBe(2);
    expect(order.items.find((i) => i.lineItemId === '7395')).toMatchObject({
      returnedQuantity: 1,
      quantityInStatus: expect.objectContaining({ shipped: 0, returned: 1 }),
    });
    expect(order.returns).toEqual([
      {
        returnCounter: 1,
        totalRefundAmount: 30,
        attributes: { retailopsReturnId: '87' },
        items: [{ lineItemId: '7395', returnQuantity: 1, refundAmount: 30 }],
        createdAt: '2024-02-02T10:00:00.000Z',
      },
    ]);
  });

  it('uses given refund amounts and sums them in cents', async () => {
    const { v3 } = await setupSandbox();
    await v3('POST', '/shipments/create-order-shipment', {
      shipmentNumber: 'S-1',
      cartons: [{ items: [{ lineItemId: '7397', shippedQuantity: 3, orderNumber: '496' }] }],
    });
    const response = await v3('POST', returnUrl('496'), {
      source: 'RetailOPS',
      items: [
        { orderLineItemId: '7397', quantity: 1, returnType: 'RECEIVED', refundAmount: 0.1 },
        { orderLineItemId: '7397', quantity: 1, returnType: 'RECEIVED', refundAmount: 0.2 },
      ],
    });
    expect(response.statusCode).toBe(201);
    expect(response.json().totalRefundAmount).toBe(0.3);
  });

  it('answers 400 SERVICE-4002 for units not shipped, naming the line item, and changes nothing', async () => {
    const { v3 } = await setupSandbox();
    const response = await v3('POST', returnUrl('496'), {
      source: 'RetailOPS',
      items: [
        { orderLineItemId: '7395', quantity: 1, returnType: 'RECEIVED' },
        { orderLineItemId: '7397', quantity: 1, returnType: 'RECEIVED' },
      ],
    });
    expect(response.statusCode).toBe(400);
    expect(response.json()).toMatchObject({ type: 'CLIENT_ERROR', errorCode: 'SERVICE-4002' });
    expect(response.json().message).toContain('7397');

    const order = (await v3('GET', '/orders/order-number/496')).json() as FabricOrder;
    expect(order.version).toBe(1);
    expect(order.returns).toEqual([]);
  });

  it('answers 400 SERVICE-4002 for returning a unit twice and for unknown line items', async () => {
    const { v3 } = await setupSandbox();
    const body = { source: 'RetailOPS', items: [{ orderLineItemId: '7395', quantity: 1, returnType: 'RECEIVED' }] };
    expect((await v3('POST', returnUrl('496'), body)).statusCode).toBe(201);
    const twice = await v3('POST', returnUrl('496'), body);
    expect(twice.statusCode).toBe(400);
    expect(twice.json().message).toContain('7395');

    const unknown = await v3('POST', returnUrl('496'), {
      source: 'RetailOPS',
      items: [{ orderLineItemId: 'ghost', quantity: 1, returnType: 'RECEIVED' }],
    });
    expect(unknown.statusCode).toBe(400);
    expect(unknown.json().message).toContain('ghost');
  });

  it('answers 400 SERVICE-4003 without source or items, and 404 for unknown orders', async () => {
    const { v3 } = await setupSandbox();
    const noSource = await v3('POST', returnUrl('496'), { items: [{ orderLineItemId: '7395', quantity: 1, returnType: 'RECEIVED' }] });
    expect(noSource.statusCode).toBe(400);
    expect(noSource.json().errorCode).toBe('SERVICE-4003');
    const noItems = await v3('POST', returnUrl('496'), { source: 'RetailOPS' });
    expect(noItems.statusCode).toBe(400);
    expect(noItems.json().errorCode).toBe('SERVICE-4003');
    const unknown = await v3('POST', returnUrl('999'), { source: 'x', items: [{ orderLineItemId: '1', quantity: 1, returnType: 'RECEIVED' }] });
    expect(unknown.statusCode).toBe(404);
  });
});
