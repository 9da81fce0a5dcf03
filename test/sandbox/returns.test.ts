import { describe, expect, it } from 'vitest';
import type { FabricShipmentResponse, StoredOrder } from '../../sandbox/types.js';
import { setupSandbox, type TestSandbox } from './helpers.js';

const returnUrl = (orderNumber: string): string => `/orders/order-number/${orderNumber}/actions/submit-return-request`;
const SCANNED = '2024-02-02T09:59:00.000Z';

/** Where fabric's Shipments API says a line's units went out: what every return item must name. */
async function shippedFrom(v3: TestSandbox['v3'], orderNumber: string, lineItemId: string) {
  const search = await v3('POST', '/shipments/search', { filters: [{ field: 'shipment.orderNumbers', condition: 'EQ', value: orderNumber }] });
  const shipments = (search.json() as { data: FabricShipmentResponse[] }).data;
  for (const shipment of shipments) {
    const line = shipment.cartons.flatMap((carton) => carton.items).find((item) => item.lineItemId === lineItemId);
    if (line) return { scannedAt: SCANNED, shipmentId: shipment.shipmentId, shipmentLineId: line.shipmentLineItemId };
  }
  throw new Error(`no shipment of ${lineItemId} on order ${orderNumber}`);
}

describe('submit-return-request', () => {
  it('returns a shipped unit (the seed order_returned of line 7395) from the shipment line it names', async () => {
    const { v3 } = await setupSandbox({ now: () => Date.parse('2024-02-02T10:00:00.000Z') });
    const from = await shippedFrom(v3, '496', '7395');
    const response = await v3('POST', returnUrl('496'), {
      source: 'RetailOPS',
      reasonCode: 'CustomerReturn',
      attributes: { retailopsReturnId: { id: '87' } },
      items: [{ orderLineItemId: '7395', quantity: 1, returnType: 'RECEIVED', ...from }],
    });
    expect(response.statusCode).toBe(201);
    expect(response.json()).toEqual({
      refundStatus: 'REFUND_PENDING',
      totalRefundAmount: 30,
      items: [{ lineItemId: '7395', returnQuantity: 1, refundAmount: 30, returnStatus: 'VALID' }],
    });

    const order = (await v3('GET', '/orders/order-number/496')).json() as StoredOrder;
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
        attributes: { retailopsReturnId: { id: '87' } },
        items: [{ lineItemId: '7395', returnQuantity: 1, refundAmount: 30 }],
        createdAt: '2024-02-02T10:00:00.000Z',
      },
    ]);
    // The shipment line counts the unit back too, so it cannot be returned from there again.
    const search = await v3('POST', '/shipments/search', { filters: [{ field: 'shipment.orderNumbers', condition: 'EQ', value: '496' }] });
    expect((search.json() as { data: FabricShipmentResponse[] }).data[0]?.cartons[0]?.items[0]).toMatchObject({ lineItemId: '7395', returnQuantity: 1 });
  });

  it('uses given refund amounts and sums them in cents', async () => {
    const { v3 } = await setupSandbox();
    await v3('POST', '/shipments/create-order-shipment', {
      shipmentNumber: 'S-1',
      cartons: [{ items: [{ lineItemId: '7397', shippedQuantity: 3, orderNumber: '496' }] }],
    });
    const from = await shippedFrom(v3, '496', '7397');
    const response = await v3('POST', returnUrl('496'), {
      source: 'RetailOPS',
      items: [
        { orderLineItemId: '7397', quantity: 1, returnType: 'RECEIVED', refundAmount: 0.1, ...from },
        { orderLineItemId: '7397', quantity: 1, returnType: 'RECEIVED', refundAmount: 0.2, ...from },
      ],
    });
    expect(response.statusCode).toBe(201);
    expect(response.json().totalRefundAmount).toBe(0.3);
  });

  it('answers 400 SERVICE-4003 without scannedAt, shipmentId or shipmentLineId (fabric requires all three)', async () => {
    const { v3 } = await setupSandbox();
    const from = await shippedFrom(v3, '496', '7395');
    for (const field of ['scannedAt', 'shipmentId', 'shipmentLineId'] as const) {
      const { [field]: _omitted, ...rest } = from;
      const response = await v3('POST', returnUrl('496'), { source: 'RetailOPS', items: [{ orderLineItemId: '7395', quantity: 1, returnType: 'RECEIVED', ...rest }] });
      expect(response.statusCode, field).toBe(400);
      expect(response.json()).toMatchObject({ errorCode: 'SERVICE-4003' });
      expect(response.json().message).toContain(field);
    }
  });

  it('answers 400 SERVICE-4002 for a shipment or shipment line that did not ship the unit, changing nothing', async () => {
    const { v3 } = await setupSandbox();
    const from = await shippedFrom(v3, '496', '7395');
    const item = { orderLineItemId: '7395', quantity: 1, returnType: 'RECEIVED' };
    const otherShipment = await v3('POST', returnUrl('496'), { source: 'x', items: [{ ...item, ...from, shipmentId: 'ffffffffffffffffffffffff' }] });
    expect(otherShipment.statusCode).toBe(400);
    expect(otherShipment.json()).toMatchObject({ errorCode: 'SERVICE-4002' });
    expect(otherShipment.json().message).toContain('ffffffffffffffffffffffff');
    const otherLine = await v3('POST', returnUrl('496'), { source: 'x', items: [{ ...item, ...from, shipmentLineId: '99' }] });
    expect(otherLine.statusCode).toBe(400);
    expect(otherLine.json().message).toContain('99');

    const order = (await v3('GET', '/orders/order-number/496')).json() as StoredOrder;
    expect(order.version).toBe(1);
    expect(order.returns).toEqual([]);
  });

  it('answers 400 SERVICE-4002 for units not shipped, naming the line item, and changes nothing', async () => {
    const { v3 } = await setupSandbox();
    const from = await shippedFrom(v3, '496', '7395');
    const response = await v3('POST', returnUrl('496'), {
      source: 'RetailOPS',
      items: [
        { orderLineItemId: '7395', quantity: 1, returnType: 'RECEIVED', ...from },
        { orderLineItemId: '7397', quantity: 1, returnType: 'RECEIVED', ...from },
      ],
    });
    expect(response.statusCode).toBe(400);
    expect(response.json()).toMatchObject({ type: 'CLIENT_ERROR', errorCode: 'SERVICE-4002' });
    expect(response.json().message).toContain('7397');

    const order = (await v3('GET', '/orders/order-number/496')).json() as StoredOrder;
    expect(order.version).toBe(1);
    expect(order.returns).toEqual([]);
  });

  it('answers 400 SERVICE-4002 for returning a unit twice and for unknown line items', async () => {
    const { v3 } = await setupSandbox();
    const from = await shippedFrom(v3, '496', '7395');
    const body = { source: 'RetailOPS', items: [{ orderLineItemId: '7395', quantity: 1, returnType: 'RECEIVED', ...from }] };
    expect((await v3('POST', returnUrl('496'), body)).statusCode).toBe(201);
    const twice = await v3('POST', returnUrl('496'), body);
    expect(twice.statusCode).toBe(400);
    expect(twice.json().message).toContain('7395');

    const unknown = await v3('POST', returnUrl('496'), {
      source: 'RetailOPS',
      items: [{ orderLineItemId: 'ghost', quantity: 1, returnType: 'RECEIVED', ...from }],
    });
    expect(unknown.statusCode).toBe(400);
    expect(unknown.json().message).toContain('ghost');
  });

  it('answers 400 SERVICE-4003 without source or items, and 404 for unknown orders', async () => {
    const { v3 } = await setupSandbox();
    const from = await shippedFrom(v3, '496', '7395');
    const noSource = await v3('POST', returnUrl('496'), { items: [{ orderLineItemId: '7395', quantity: 1, returnType: 'RECEIVED', ...from }] });
    expect(noSource.statusCode).toBe(400);
    expect(noSource.json().errorCode).toBe('SERVICE-4003');
    const noItems = await v3('POST', returnUrl('496'), { source: 'RetailOPS' });
    expect(noItems.statusCode).toBe(400);
    expect(noItems.json().errorCode).toBe('SERVICE-4003');
    const unknown = await v3('POST', returnUrl('999'), { source: 'x', items: [{ orderLineItemId: '1', quantity: 1, returnType: 'RECEIVED', ...from }] });
    expect(unknown.statusCode).toBe(404);
  });
});
