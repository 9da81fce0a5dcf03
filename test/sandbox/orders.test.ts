import { describe, expect, it } from 'vitest';
import { demoOrderId } from '../../sandbox/demo-orders.js';
import type { StoredOrder } from '../../sandbox/types.js';
import { setupSandbox } from './helpers.js';

describe('GET orders', () => {
  it('returns demo order 496 by number with seed data, derived status and consistent totals', async () => {
    const { v3 } = await setupSandbox();
    const response = await v3('GET', '/orders/order-number/496');
    expect(response.statusCode).toBe(200);
    const order = response.json() as StoredOrder;
    expect(order).toMatchObject({
      orderId: demoOrderId('496'),
      orderNumber: '496',
      statusCode: 'ORDER_PARTIALLY_SHIPPED',
      channelId: '12',
      currency: 'USD',
      createdAt: '2016-04-08T19:09:07.000Z',
      orderedAt: '2016-04-08T19:09:07.000Z',
      attributes: { ipAddress: '68.7.2.222' },
      customer: { name: { firstName: 'John', lastName: 'Smith' }, email: 'john@gudtech.com', company: 'gudTECH' },
      orderSubtotal: 121,
      taxTotal: 0.07,
      orderDiscount: 0,
      feeTotal: 0,
      orderTotal: 121.32,
      version: 1,
      returns: [],
    });
    expect(Date.parse(order.createdAt) / 1000).toBe(1460142547);
    expect(order.items.map((item) => [item.lineItemId, item.sku, item.orderedQuantity, item.shippedQuantity])).toEqual([
      ['496', '299', 1, 0],
      ['7397', '132', 3, 0],
      ['7395', '53', 1, 1],
    ]);
    expect(order.payments[0]).toMatchObject({ authorizedAmount: 121.32, chargedAmount: 121.32 });
    expect(order.shipInfo[0]).toMatchObject({ shipMethod: 'Ground (5-7 days)', shipToPrice: 0.25, attributes: { giftMessage: 'Happy Birthday' } });
  });

  it('returns an order by orderId', async () => {
    const { v3 } = await setupSandbox();
    const response = await v3('GET', `/orders/${demoOrderId('497')}`);
    expect(response.statusCode).toBe(200);
    expect(response.json().orderNumber).toBe('497');
  });

  it('answers 404 SERVICE-4004 for unknown orders', async () => {
    const { v3 } = await setupSandbox();
    for (const [url, ref] of [['/orders/order-number/999', '999'], ['/orders/ffffffffffffffffffffffff', 'ffffffffffffffffffffffff']] as const) {
      const response = await v3('GET', url);
      expect(response.statusCode).toBe(404);
      expect(response.json()).toMatchObject({ type: 'CLIENT_ERROR', errorCode: 'SERVICE-4004', message: `Order ${ref} not found` });
    }
  });
});

describe('POST /v3/orders', () => {
  it('creates an order and fills fabric defaults', async () => {
    const { v3 } = await setupSandbox({ now: () => Date.parse('2024-05-01T12:00:00.000Z') });
    const response = await v3('POST', '/orders', {
      orderNumber: 'A-1',
      customer: { email: 'a@example.com' },
      items: [
        { sku: 'S1', itemUnitPrice: 10.1, orderedQuantity: 3, itemTaxTotal: 1.01 },
        { sku: 'S2', itemUnitPrice: 0.1, orderedQuantity: 2, lineItemId: 'mine' },
      ],
      shipInfo: [{ shipToPrice: 0.2 }],
      someFabricField: { kept: true },
    });
    expect(response.statusCode).toBe(201);
    const order = response.json() as StoredOrder;
    expect(order.orderId).toMatch(/^[0-9a-f]{24}$/);
    expect(order).toMatchObject({
      orderNumber: 'A-1',
      statusCode: 'ORDER_CREATED',
      channelId: '12',
      version: 1,
      attributes: {},
      returns: [],
      createdAt: '2024-05-01T12:00:00.000Z',
      updatedAt: '2024-05-01T12:00:00.000Z',
      orderedAt: '2024-05-01T12:00:00.000Z',
      someFabricField: { kept: true },
      // 30.3 + 0.2 + 1.01 + 0.2 shipping, summed in cents
      orderSubtotal: 30.5,
      taxTotal: 1.01,
      orderTotal: 31.71,
    });
    const [first, second] = order.items;
    expect(first?.lineItemId).toMatch(/^[0-9a-f-]{36}$/);
    expect(first).toMatchObject({ lineItemNumber: 1, cancelledQuantity: 0, shippedQuantity: 0, returnedQuantity: 0 });
    expect(first?.quantityInStatus).toMatchObject({ created: 3, shipped: 0, cancelled: 0 });
    expect(second).toMatchObject({ lineItemId: 'mine', lineItemNumber: 2 });

    expect((await v3('GET', '/orders/order-number/A-1')).statusCode).toBe(200);
  });

  it('answers 409 SERVICE-4005 for an existing order number', async () => {
    const { v3 } = await setupSandbox();
    const response = await v3('POST', '/orders', { orderNumber: '496', items: [{ sku: 'x', itemUnitPrice: 1, orderedQuantity: 1 }] });
    expect(response.statusCode).toBe(409);
    expect(response.json()).toMatchObject({ errorCode: 'SERVICE-4005' });
  });

  it('answers 400 SERVICE-4003 without orderNumber and 4002 for bad values', async () => {
    const { v3 } = await setupSandbox();
    const missing = await v3('POST', '/orders', { items: [{ sku: 'x', itemUnitPrice: 1, orderedQuantity: 1 }] });
    expect(missing.statusCode).toBe(400);
    expect(missing.json()).toMatchObject({ errorCode: 'SERVICE-4003' });
    const invalid = await v3('POST', '/orders', { orderNumber: 'B', items: [{ sku: 'x', itemUnitPrice: 1, orderedQuantity: 0 }] });
    expect(invalid.statusCode).toBe(400);
    expect(invalid.json()).toMatchObject({ errorCode: 'SERVICE-4002' });
  });

  it('keeps the payment state as created (a capture at checkout), typed as fabric’s orderPaymentRequest types it', async () => {
    const { v3 } = await setupSandbox();
    const item = { sku: 'x', itemUnitPrice: 10, orderedQuantity: 1 };
    const authorizedOnly = { paymentCounter: 1, paymentMethod: 'CREDIT_CARD', currency: 'USD', authorizedAmount: 10, chargedAmount: 0, paymentStatus: 'Authorized' };
    const created = await v3('POST', '/orders', { orderNumber: 'PAY-1', items: [item], payments: [authorizedOnly] });
    expect(created.statusCode).toBe(201);
    expect((await v3('GET', '/orders/order-number/PAY-1')).json().payments).toEqual([authorizedOnly]);
    // Demo orders were captured at checkout: charged in full, paidAt the merchant's value at creation.
    const demo = (await v3('GET', '/orders/order-number/497')).json() as StoredOrder;
    expect(demo.payments[0]).toMatchObject({ chargedAmount: demo.orderTotal, paidAt: demo.createdAt, paymentStatus: 'Paid', currency: 'USD' });

    for (const payment of [{ chargedAmount: '10.00' }, { paidAt: 'yesterday' }, { currency: 840 }]) {
      const refused = await v3('POST', '/orders', { orderNumber: 'PAY-2', items: [item], payments: [payment] });
      expect(refused.statusCode, JSON.stringify(payment)).toBe(400);
      expect(refused.json()).toMatchObject({ errorCode: 'SERVICE-4002' });
    }
  });
});

describe('POST /v3/orders/search', () => {
  const numbers = (body: { data: StoredOrder[] }): string[] => body.data.map((order) => order.orderNumber);

  it('lists all orders sorted +order.createdAt by default, with pagination', async () => {
    const { v3 } = await setupSandbox();
    const response = await v3('POST', '/orders/search?offset=0&limit=10', { filters: [] });
    expect(response.statusCode).toBe(200);
    expect(numbers(response.json())).toEqual(['496', '497', '498']);
    expect(response.json().pagination).toEqual({ offset: 0, limit: 10, count: 3 });
  });

  it('pages with offset/limit and reports the total count', async () => {
    const { v3 } = await setupSandbox();
    const page1 = (await v3('POST', '/orders/search?offset=0&limit=2', { filters: [] })).json();
    const page2 = (await v3('POST', '/orders/search?offset=2&limit=2', { filters: [] })).json();
    expect(numbers(page1)).toEqual(['496', '497']);
    expect(numbers(page2)).toEqual(['498']);
    expect(page2.pagination).toEqual({ offset: 2, limit: 2, count: 3 });
  });

  it('sorts descending', async () => {
    const { v3 } = await setupSandbox();
    const response = await v3('POST', '/orders/search', { filters: [], sort: '-order.createdAt' });
    expect(numbers(response.json())).toEqual(['498', '497', '496']);
  });

  it('filters by date range, status, IN/NIN, numbers and attributes', async () => {
    const { v3 } = await setupSandbox();
    const search = async (filters: unknown[]) => numbers((await v3('POST', '/orders/search', { filters })).json());

    expect(await search([{ field: 'order.createdAt', condition: 'GTE', value: '2016-04-09T15:30:00.000Z' }])).toEqual(['497', '498']);
    expect(await search([{ field: 'order.createdAt', condition: 'GT', value: '2016-04-09T15:30:00.000Z' }])).toEqual(['498']);
    expect(await search([{ field: 'order.createdAt', condition: 'LT', value: '2016-04-09T00:00:00.000Z' }])).toEqual(['496']);
    expect(await search([{ field: 'order.statusCode', condition: 'EQ', value: 'ORDER_CREATED' }])).toEqual(['497', '498']);
    expect(await search([{ field: 'order.statusCode', condition: 'NEQ', value: 'ORDER_CREATED' }])).toEqual(['496']);
    expect(await search([{ field: 'order.orderNumber', condition: 'IN', values: ['496', '498'] }])).toEqual(['496', '498']);
    expect(await search([{ field: 'order.orderNumber', condition: 'NIN', values: ['496'] }])).toEqual(['497', '498']);
    expect(await search([{ field: 'order.orderTotal', condition: 'LTE', value: 10 }])).toEqual(['497']);
    expect(await search([{ field: 'order.items.sku', condition: 'EQ', value: '132' }])).toEqual(['496', '498']);
    expect(
      await search([
        { field: 'order.createdAt', condition: 'GTE', value: '2016-04-08T00:00:00.000Z' },
        { field: 'order.statusCode', condition: 'EQ', value: 'ORDER_CREATED' },
        { field: 'order.orderNumber', condition: 'NEQ', value: '497' },
      ]),
    ).toEqual(['498']);

    // A missing attribute is "not equal": the poller's "not yet acknowledged" query. fabric's filter values are
    // strings or numbers, and "true" matches a stored true.
    await v3('POST', '/orders/order-number/497/actions/update-attributes', { attributes: { retailopsAcknowledged: true } });
    expect(await search([{ field: 'order.attributes.retailopsAcknowledged', condition: 'NEQ', value: 'true' }])).toEqual(['496', '498']);
    expect(await search([{ field: 'order.attributes.retailopsAcknowledged', condition: 'EQ', value: 'true' }])).toEqual(['497']);
  });

  it.each([
    ['limit=0', { filters: [] }],
    ['limit=101', { filters: [] }],
    ['limit=abc', { filters: [] }],
    ['offset=-1', { filters: [] }],
    ['', { filters: [{ field: 'createdAt', condition: 'EQ', value: 'x' }] }],
    ['', { filters: [{ field: 'order.createdAt', condition: 'LIKE', value: 'x' }] }],
    ['', { filters: [], sort: 'createdAt' }],
    ['', { filters: [{ field: 'order.attributes.x', condition: 'EQ', value: true }] }],
  ])('answers 400 SERVICE-4002 for ?%s %o', async (query, body) => {
    const { v3 } = await setupSandbox();
    const response = await v3('POST', `/orders/search?${query}`, body);
    expect(response.statusCode).toBe(400);
    expect(response.json()).toMatchObject({ type: 'CLIENT_ERROR', errorCode: 'SERVICE-4002' });
  });

  it('answers 400 SERVICE-4003 for a search without filters (fabric requires the list, empty or not)', async () => {
    const { v3 } = await setupSandbox();
    const response = await v3('POST', '/orders/search', {});
    expect(response.statusCode).toBe(400);
    expect(response.json()).toMatchObject({ errorCode: 'SERVICE-4003', message: 'Mandatory param(s): `filters` is/are missing' });
  });

  it('answers 400 SERVICE-4003 for a filter without value', async () => {
    const { v3 } = await setupSandbox();
    const response = await v3('POST', '/orders/search', { filters: [{ field: 'order.statusCode', condition: 'EQ' }] });
    expect(response.statusCode).toBe(400);
    expect(response.json().errorCode).toBe('SERVICE-4003');
  });
});

describe('update-attributes', () => {
  it('merges attributes, removes keys and bumps the version', async () => {
    const { v3 } = await setupSandbox();
    const response = await v3('POST', '/orders/order-number/496/actions/update-attributes', {
      attributes: { retailopsAcknowledged: true, retailopsOrderId: '4897' },
      keysToRemove: ['ipAddress'],
    });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toMatchObject({
      orderNumber: '496',
      version: 2,
      attributes: { retailopsAcknowledged: true, retailopsOrderId: '4897' },
    });
    expect(response.json().attributes).not.toHaveProperty('ipAddress');
    const again = await v3('GET', '/orders/order-number/496');
    expect(again.json().attributes).toEqual({ retailopsAcknowledged: true, retailopsOrderId: '4897' });
  });

  it('answers 400 SERVICE-4003 without attributes, and 400 SERVICE-4004 for unknown orders (fabric documents no 404 here)', async () => {
    const { v3 } = await setupSandbox();
    const missing = await v3('POST', '/orders/order-number/496/actions/update-attributes', { keysToRemove: ['x'] });
    expect(missing.statusCode).toBe(400);
    expect(missing.json().errorCode).toBe('SERVICE-4003');
    const unknown = await v3('POST', '/orders/order-number/999/actions/update-attributes', { attributes: {} });
    expect(unknown.statusCode).toBe(400);
    expect(unknown.json().errorCode).toBe('SERVICE-4004');
  });
});
