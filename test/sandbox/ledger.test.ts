import { describe, expect, it } from 'vitest';
import type { LedgerEntry, StoredOrder } from '../../sandbox/types.js';
import { fabricHeaders, setupSandbox } from './helpers.js';

describe('ledger', () => {
  it('records each mutating call that reached the business logic, with its status', async () => {
    const { app, v3 } = await setupSandbox({ now: () => Date.parse('2024-03-03T03:03:03.000Z') });
    const create = { orderNumber: 'L-1', items: [{ sku: 'S', itemUnitPrice: 2, orderedQuantity: 2, lineItemId: 'l1' }] };
    await v3('POST', '/orders', create, { 'x-fabric-request-id': 'req-create' });
    await v3('POST', '/orders/order-number/L-1/actions/cancel', { reasonCode: 'R', items: [{ lineItemId: 'l1', itemUnitNumber: 2, quantity: 1 }] });
    await v3('POST', '/orders/order-number/L-1/actions/cancel', { reasonCode: 'R', items: [{ lineItemId: 'l1', itemUnitNumber: 1, quantity: 1 }, { lineItemId: 'l1', itemUnitNumber: 1, quantity: 1 }] });
    const shipped = await v3('POST', '/shipments/create-order-shipment', { shipmentNumber: 'SH', cartons: [{ items: [{ lineItemId: 'l1', shippedQuantity: 1, orderNumber: 'L-1' }] }] });
    const from = { scannedAt: '2024-03-03T03:00:00.000Z', shipmentId: shipped.json().shipmentId as string, shipmentLineId: '1' };
    await v3('POST', '/orders/order-number/L-1/actions/submit-return-request', { source: 'x', items: [{ orderLineItemId: 'l1', quantity: 1, returnType: 'RECEIVED', ...from }] });
    await v3('POST', '/orders/order-number/L-1/actions/update-attributes', { attributes: { a: 1 } });
    await v3('POST', '/orders/order-number/L-1/actions/cancel', {}); // 400: reached the handler, recorded
    await v3('POST', '/orders/5f0de0000000000000000497/actions/cancel', { reasonCode: 'R' });

    // Not recorded: reads, searches, calls refused by the gate.
    await v3('GET', '/orders/order-number/L-1');
    await v3('POST', '/orders/search', {});
    const { authorization: _omit, ...noAuth } = fabricHeaders('x');
    await app.inject({ method: 'POST', url: '/v3/orders/order-number/496/actions/cancel', headers: noAuth, payload: { reasonCode: 'R' } });

    const calls = (await app.inject({ method: 'GET', url: '/_sandbox/calls' })).json().calls as LedgerEntry[];
    expect(calls.map((c) => [c.seq, c.kind, c.orderNumber, c.status])).toEqual([
      [1, 'create-order', 'L-1', 201],
      [2, 'cancel', 'L-1', 200],
      [3, 'cancel', 'L-1', 412],
      [4, 'shipment', 'L-1', 201],
      [5, 'return', 'L-1', 201],
      [6, 'update-attributes', 'L-1', 200],
      [7, 'cancel', 'L-1', 400],
      [8, 'cancel', '497', 200],
    ]);
    expect(calls[0]).toEqual({
      seq: 1,
      at: '2024-03-03T03:03:03.000Z',
      method: 'POST',
      path: '/v3/orders',
      kind: 'create-order',
      orderNumber: 'L-1',
      requestId: 'req-create',
      status: 201,
      body: create,
    });
    expect(calls[1]?.requestId).toBeNull();
    expect(calls[7]?.path).toBe('/v3/orders/5f0de0000000000000000497/actions/cancel');
  });
});

describe('reset', () => {
  it('restores demo orders and clears ledger, faults and shipment numbers, keeping tokens', async () => {
    const { app, v3 } = await setupSandbox();
    await v3('POST', '/orders/order-number/496/actions/cancel', { reasonCode: 'R' });
    await v3('POST', '/orders', { orderNumber: 'R-1', items: [{ sku: 'S', itemUnitPrice: 1, orderedQuantity: 1 }] });
    const ship = { shipmentNumber: 'SH-1', cartons: [{ items: [{ lineItemId: '7402', shippedQuantity: 1, orderNumber: '498' }] }] };
    expect((await v3('POST', '/shipments/create-order-shipment', ship)).statusCode).toBe(201);
    await app.inject({ method: 'POST', url: '/_sandbox/faults', payload: { latencyMs: 5, failNext: 5 } });

    const reset = await app.inject({ method: 'POST', url: '/_sandbox/reset' });
    expect(reset.statusCode).toBe(200);

    const order = await v3('GET', '/orders/order-number/496'); // same token, no faults left
    expect(order.statusCode).toBe(200);
    expect((order.json() as StoredOrder).statusCode).toBe('ORDER_PARTIALLY_SHIPPED');
    expect((order.json() as StoredOrder).version).toBe(1);
    expect((await v3('GET', '/orders/order-number/R-1')).statusCode).toBe(404);
    expect((await app.inject({ method: 'GET', url: '/_sandbox/calls' })).json()).toEqual({ calls: [] });
    expect((await v3('POST', '/shipments/create-order-shipment', ship)).statusCode).toBe(201);
    expect((await app.inject({ method: 'GET', url: '/_sandbox/calls' })).json().calls[0].seq).toBe(1);
  });

  it('test hooks create and read orders without auth', async () => {
    const { app } = await setupSandbox();
    const created = await app.inject({
      method: 'POST',
      url: '/_sandbox/orders',
      payload: { orderNumber: 'H-1', items: [{ sku: 'S', itemUnitPrice: 1, orderedQuantity: 1 }] },
    });
    expect(created.statusCode).toBe(201);
    expect((await app.inject({ method: 'GET', url: '/_sandbox/orders/H-1' })).json().orderNumber).toBe('H-1');
    const missing = await app.inject({ method: 'GET', url: '/_sandbox/orders/none' });
    expect(missing.statusCode).toBe(404);
    expect(missing.json().errorCode).toBe('SERVICE-4004');
    expect((await app.inject({ method: 'GET', url: '/_sandbox/calls' })).json()).toEqual({ calls: [] });
  });
});
