import { describe, expect, it } from 'vitest';
import type { StoredOrder } from '../../sandbox/types.js';
import { setupSandbox } from './helpers.js';

const url = '/shipments/create-order-shipment';

const shipment = (shipmentNumber: string, items: { lineItemId: string; shippedQuantity: number }[], orderNumber = '496') => ({
  shipmentNumber,
  shippedAt: '2016-04-08T21:13:11.000Z',
  locationNumber: 'WH1',
  cartons: [
    {
      shipmentCarrier: 'WILLCALL',
      shipmentMethod: 'Standard',
      trackingNumber: 'ZX29827782929',
      items: items.map((item) => ({ ...item, orderNumber })),
    },
  ],
});

describe('create-order-shipment', () => {
  it('ships the open units and records the shipment on the order', async () => {
    const { v3 } = await setupSandbox();
    const body = shipment('100000084', [
      { lineItemId: '496', shippedQuantity: 1 },
      { lineItemId: '7397', shippedQuantity: 3 },
    ]);
    const response = await v3('POST', url, body);
    expect(response.statusCode).toBe(201);
    const created = response.json();
    // fabric's shipmentResponse: its status codes, the order in orderNumbers, a line id fabric assigns per item.
    const cartons = [{ ...body.cartons[0], items: body.cartons[0]!.items.map((item, index) => ({ ...item, shipmentLineItemId: String(index + 1), returnQuantity: 0 })) }];
    expect(created).toMatchObject({
      shipmentNumber: '100000084',
      statusCode: 'SHIPMENT_CREATED',
      type: 'STANDARD',
      orderNumbers: ['496'],
      cartons,
    });
    expect(created).not.toHaveProperty('orderNumber');
    expect(created.shipmentId).toMatch(/^[0-9a-f]{24}$/);

    const order = (await v3('GET', '/orders/order-number/496')).json() as StoredOrder;
    expect(order.statusCode).toBe('ORDER_SHIPPED');
    expect(order.version).toBe(2);
    expect(order.items.map((i) => i.shippedQuantity)).toEqual([1, 3, 1]);
    // fabric's order document carries no shipments: they are found in the Shipments service.
    expect(order).not.toHaveProperty('shipments');
    const search = await v3('POST', '/shipments/search', { filters: [{ field: 'shipment.shipmentNumber', condition: 'EQ', value: '100000084' }] });
    expect((search.json() as { data: unknown[] }).data).toEqual([
      expect.objectContaining({ shipmentId: created.shipmentId, shipmentNumber: '100000084', shippedAt: '2016-04-08T21:13:11.000Z', locationNumber: 'WH1', cartons }),
    ]);
  });

  it('finds an order\'s shipments by order number, and one by its shipment number', async () => {
    const { v3 } = await setupSandbox();
    const created = (await v3('POST', url, shipment('S-9', [{ lineItemId: '7397', shippedQuantity: 2 }]))).json();
    const byOrder = await v3('POST', '/shipments/search?offset=0&limit=10', {
      filters: [{ field: 'shipment.orderNumbers', condition: 'EQ', value: '496' }],
    });
    expect(byOrder.statusCode).toBe(200);
    const found = byOrder.json() as { data: { shipmentId: string; shipmentNumber: string; cartons: { items: unknown[] }[] }[]; pagination: unknown };
    // The demo order's line 7395 was created shipped: its shipment is there too, with a line to return from.
    expect(found.pagination).toEqual({ offset: 0, limit: 10, count: 2 });
    expect(found.data.map((each) => each.shipmentNumber)).toEqual(['496-S1', 'S-9']);
    expect(found.data[0]?.cartons[0]?.items).toEqual([
      { lineItemId: '7395', shippedQuantity: 1, orderNumber: '496', sku: '53', shipmentLineItemId: '1', returnQuantity: 0 },
    ]);
    expect(found.data[1]?.shipmentId).toBe(created.shipmentId);

    const byNumber = await v3('POST', '/shipments/search', { filters: [{ field: 'shipment.shipmentNumber', condition: 'IN', values: ['S-9', 'x'] }] });
    expect((byNumber.json() as { data: { shipmentId: string }[] }).data.map((each) => each.shipmentId)).toEqual([created.shipmentId]);
    const none = await v3('POST', '/shipments/search', { filters: [{ field: 'shipment.orderNumbers', condition: 'EQ', value: '497' }] });
    expect(none.json()).toEqual({ data: [], pagination: { offset: 0, limit: 10, count: 0 } });
    const unindexed = await v3('POST', '/shipments/search', { filters: [{ field: 'shipment.statusCode', condition: 'EQ', value: 'X' }] });
    expect(unindexed.statusCode).toBe(400);
    expect((await v3('POST', '/shipments/search', {})).statusCode).toBe(400);
  });

  it('answers 400 SERVICE-4005 (fabric documents no 409 here) for a shipment number already used', async () => {
    const { v3 } = await setupSandbox();
    expect((await v3('POST', url, shipment('S-1', [{ lineItemId: '7397', shippedQuantity: 1 }]))).statusCode).toBe(201);
    const duplicate = await v3('POST', url, shipment('S-1', [{ lineItemId: '7397', shippedQuantity: 1 }]));
    expect(duplicate.statusCode).toBe(400);
    expect(duplicate.json()).toMatchObject({ errorCode: 'SERVICE-4005', message: 'Shipment S-1 already created' });
    const order = (await v3('GET', '/orders/order-number/496')).json() as StoredOrder;
    expect(order.items.find((i) => i.lineItemId === '7397')?.shippedQuantity).toBe(1);
  });

  it('answers 400 SERVICE-4002 for too many units or an unknown line, shipping nothing', async () => {
    const { v3 } = await setupSandbox();
    const tooMany = await v3('POST', url, shipment('S-2', [
      { lineItemId: '496', shippedQuantity: 1 },
      { lineItemId: '7395', shippedQuantity: 1 }, // already shipped
    ]));
    expect(tooMany.statusCode).toBe(400);
    expect(tooMany.json()).toMatchObject({ errorCode: 'SERVICE-4002' });
    expect(tooMany.json().message).toContain('7395');

    const unknown = await v3('POST', url, shipment('S-3', [{ lineItemId: 'ghost', shippedQuantity: 1 }]));
    expect(unknown.statusCode).toBe(400);

    const order = (await v3('GET', '/orders/order-number/496')).json() as StoredOrder;
    expect(order.version).toBe(1);
    const existing = await v3('POST', '/shipments/search', { filters: [{ field: 'shipment.orderNumbers', condition: 'EQ', value: '496' }] });
    expect((existing.json() as { data: { shipmentNumber: string }[] }).data.map((each) => each.shipmentNumber)).toEqual(['496-S1']);
    // A rejected shipment does not burn its number.
    expect((await v3('POST', url, shipment('S-2', [{ lineItemId: '496', shippedQuantity: 1 }]))).statusCode).toBe(201);
  });

  it('does not ship cancelled units', async () => {
    const { v3 } = await setupSandbox();
    await v3('POST', '/orders/order-number/497/actions/cancel', { reasonCode: 'R' });
    const response = await v3('POST', url, shipment('S-4', [{ lineItemId: '7401', shippedQuantity: 1 }], '497'));
    expect(response.statusCode).toBe(400);
  });

  // fabric documents 201/400/401/500 for create-order-shipment: no 404.
  it('answers 400 SERVICE-4004 for an unknown order and 400 SERVICE-4003 without shipmentNumber', async () => {
    const { v3 } = await setupSandbox();
    const unknown = await v3('POST', url, shipment('S-5', [{ lineItemId: '1', shippedQuantity: 1 }], '999'));
    expect(unknown.statusCode).toBe(400);
    expect(unknown.json().errorCode).toBe('SERVICE-4004');
    const { shipmentNumber: _omit, ...noNumber } = shipment('x', [{ lineItemId: '496', shippedQuantity: 1 }]);
    const missing = await v3('POST', url, noNumber);
    expect(missing.statusCode).toBe(400);
    expect(missing.json().errorCode).toBe('SERVICE-4003');
  });
});
