import { describe, expect, it } from 'vitest';
import type { FabricOrder } from '../../sandbox/types.js';
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
    expect(created).toMatchObject({
      shipmentNumber: '100000084',
      statusCode: 'SHIPPED',
      orderNumber: '496',
      cartons: body.cartons,
    });
    expect(created.shipmentId).toMatch(/^[0-9a-f]{24}$/);

    const order = (await v3('GET', '/orders/order-number/496')).json() as FabricOrder;
    expect(order.statusCode).toBe('ORDER_SHIPPED');
    expect(order.version).toBe(2);
    expect(order.items.map((i) => i.shippedQuantity)).toEqual([1, 3, 1]);
    expect(order.shipments).toEqual([
      {
        shipmentId: created.shipmentId,
        shipmentNumber: '100000084',
        shippedAt: '2016-04-08T21:13:11.000Z',
        locationNumber: 'WH1',
        cartons: body.cartons,
      },
    ]);
  });

  it('answers 409 SERVICE-4005 for a shipment number already used', async () => {
    const { v3 } = await setupSandbox();
    expect((await v3('POST', url, shipment('S-1', [{ lineItemId: '7397', shippedQuantity: 1 }]))).statusCode).toBe(201);
    const duplicate = await v3('POST', url, shipment('S-1', [{ lineItemId: '7397', shippedQuantity: 1 }]));
    expect(duplicate.statusCode).toBe(409);
    expect(duplicate.json()).toMatchObject({ errorCode: 'SERVICE-4005', message: 'Shipment S-1 already created' });
    const order = (await v3('GET', '/orders/order-number/496')).json() as FabricOrder;
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

    const order = (await v3('GET', '/orders/order-number/496')).json() as FabricOrder;
    expect(order.version).toBe(1);
    expect(order.shipments).toEqual([]);
    // A rejected shipment does not burn its number.
    expect((await v3('POST', url, shipment('S-2', [{ lineItemId: '496', shippedQuantity: 1 }]))).statusCode).toBe(201);
  });

  it('does not ship cancelled units', async () => {
    const { v3 } = await setupSandbox();
    await v3('POST', '/orders/order-number/497/actions/cancel', { reasonCode: 'R' });
    const response = await v3('POST', url, shipment('S-4', [{ lineItemId: '7401', shippedQuantity: 1 }], '497'));
    expect(response.statusCode).toBe(400);
  });

  it('answers 404 for an unknown order and 400 SERVICE-4003 without shipmentNumber', async () => {
    const { v3 } = await setupSandbox();
    const unknown = await v3('POST', url, shipment('S-5', [{ lineItemId: '1', shippedQuantity: 1 }], '999'));
    expect(unknown.statusCode).toBe(404);
    expect(unknown.json().errorCode).toBe('SERVICE-4004');
    const { shipmentNumber: _omit, ...noNumber } = shipment('x', [{ lineItemId: '496', shippedQuantity: 1 }]);
    const missing = await v3('POST', url, noNumber);
    expect(missing.statusCode).toBe(400);
    expect(missing.json().errorCode).toBe('SERVICE-4003');
  });
});
