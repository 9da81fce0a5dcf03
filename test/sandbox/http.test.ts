// The sandbox over real HTTP: started on a free port, driven through its typed client and fetch.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createSandboxClient, type SandboxClient, type StoredOrder } from '../../sandbox/client.js';
import { startSandbox, type RunningSandbox } from '../../sandbox/server.js';
import { basicAuth } from './helpers.js';

describe('sandbox over HTTP', () => {
  let sandbox: RunningSandbox;
  let client: SandboxClient;
  let token: string;

  const fabric = (path: string, init: { method?: string; body?: unknown; requestId?: string } = {}) =>
    fetch(`${sandbox.url}/v3${path}`, {
      method: init.method ?? 'GET',
      headers: {
        authorization: `Bearer ${token}`,
        'x-fabric-tenant-id': 'tenant-1',
        'x-fabric-channel-id': '12',
        ...(init.requestId === undefined ? {} : { 'x-fabric-request-id': init.requestId }),
        ...(init.body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      ...(init.body === undefined ? {} : { body: JSON.stringify(init.body) }),
    });

  beforeAll(async () => {
    sandbox = await startSandbox({ port: 0 });
    client = createSandboxClient(`${sandbox.url}/`);
    const response = await fetch(`${sandbox.url}/oauth2/aus-sandbox/v1/token`, {
      method: 'POST',
      headers: { authorization: basicAuth(), 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ grant_type: 'client_credentials', scope: 's2s' }),
    });
    expect(response.status).toBe(200);
    token = ((await response.json()) as { access_token: string }).access_token;
  });

  afterAll(async () => {
    await sandbox.close();
    await sandbox.close(); // idempotent
  });

  beforeEach(async () => {
    await client.reset();
  });

  it('listens on a free port and reports a base URL without trailing slash', () => {
    expect(sandbox.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(sandbox.url).not.toMatch(/:4010$/);
  });

  it('creates and reads orders through the client', async () => {
    const created = await client.createOrder({
      orderNumber: 'HTTP-1',
      items: [{ sku: '299', itemUnitPrice: 1, orderedQuantity: 2 }],
    });
    expect(created).toMatchObject({ orderNumber: 'HTTP-1', statusCode: 'ORDER_CREATED', version: 1 });
    expect((await client.getOrder('HTTP-1'))?.orderId).toBe(created.orderId);
    expect(await client.getOrder('nope')).toBeUndefined();
  });

  it('serves fabric calls and records mutations in the ledger', async () => {
    const cancel = await fabric('/orders/order-number/496/actions/cancel', {
      method: 'POST',
      body: { reasonCode: 'CUSTOMER_REQUEST', items: [{ lineItemId: '7397', itemUnitNumber: 3, quantity: 1 }] },
      requestId: 'http-req-1',
    });
    expect(cancel.status).toBe(200);
    expect(cancel.headers.get('x-fabric-request-id')).toBe('http-req-1');
    const order = (await cancel.json()) as StoredOrder;
    expect(order.items.find((item) => item.lineItemId === '7397')?.cancelledQuantity).toBe(1);

    const calls = await client.calls();
    expect(calls).toHaveLength(1);
    expect(calls[0]).toMatchObject({ kind: 'cancel', orderNumber: '496', requestId: 'http-req-1', status: 200 });
    expect((await client.getOrder('496'))?.version).toBe(2);
  });

  it('injects and clears faults through the client', async () => {
    const active = await client.setFaults({ failNext: 1, status: 429, retryAfterSeconds: 1 });
    expect(active).toMatchObject({ failNext: 1, status: 429, retryAfterSeconds: 1 });
    const limited = await fabric('/orders/order-number/496');
    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after')).toBe('1');
    expect((await fabric('/orders/order-number/496')).status).toBe(200);

    await client.setFaults({ errorRate: 1 });
    expect((await fabric('/orders/order-number/496')).status).toBe(503);
    expect(await client.clearFaults()).toMatchObject({ errorRate: 0 });
    expect((await fabric('/orders/order-number/496')).status).toBe(200);
  });

  it('reset restores demo orders', async () => {
    await fabric('/orders/order-number/498/actions/cancel', { method: 'POST', body: { reasonCode: 'R' } });
    expect((await client.getOrder('498'))?.statusCode).toBe('ORDER_CANCELLED');
    await client.reset();
    expect((await client.getOrder('498'))?.statusCode).toBe('ORDER_CREATED');
    expect(await client.calls()).toEqual([]);
  });
});
