import { describe, expect, it } from 'vitest';
import { buildSandboxApp } from '../../sandbox/app.js';
import type { StoredOrder } from '../../sandbox/types.js';
import { fabricHeaders, issueToken, requestToken, setupSandbox } from './helpers.js';

describe('fault injection', () => {
  it('failNext fails exactly the next N /v3 calls with no effect and no ledger entry', async () => {
    const { app, v3 } = await setupSandbox();
    const set = await app.inject({ method: 'POST', url: '/_sandbox/faults', payload: { failNext: 2 } });
    expect(set.statusCode).toBe(200);
    expect(set.json()).toEqual({ errorRate: 0, status: 503, retryAfterSeconds: null, latencyMs: 0, timeoutRate: 0, failNext: 2, lostResponseRate: 0, loseNextChanges: 0 });

    const first = await v3('POST', '/orders/order-number/497/actions/cancel', { reasonCode: 'R' }, { 'x-fabric-request-id': 'f-1' });
    expect(first.statusCode).toBe(503);
    expect(first.headers['retry-after']).toBeUndefined();
    expect(first.headers['x-fabric-request-id']).toBe('f-1');
    expect(first.json()).toEqual({
      type: 'SERVER_ERROR',
      errorCode: 'SERVICE-5000',
      message: 'Injected fault: HTTP 503',
      errors: [],
      context: { service: 'orders', endpoint: '/v3/orders/order-number/497/actions/cancel' },
    });
    expect((await v3('GET', '/orders/order-number/497')).statusCode).toBe(503);

    // The token endpoint is outside /v3 and never faulted.
    expect((await requestToken(app)).statusCode).toBe(200);

    const third = await v3('GET', '/orders/order-number/497');
    expect(third.statusCode).toBe(200);
    expect((third.json() as StoredOrder).statusCode).toBe('ORDER_CREATED');
    expect((await app.inject({ method: 'GET', url: '/_sandbox/calls' })).json()).toEqual({ calls: [] });
  });

  it('errorRate 1 with status 429 answers SERVICE-4029 and Retry-After on every call', async () => {
    const { app, v3 } = await setupSandbox();
    await app.inject({ method: 'POST', url: '/_sandbox/faults', payload: { errorRate: 1, status: 429, retryAfterSeconds: 7 } });
    for (let i = 0; i < 3; i += 1) {
      const response = await v3('POST', '/orders/search', { filters: [] });
      expect(response.statusCode).toBe(429);
      expect(response.headers['retry-after']).toBe('7');
      expect(response.json()).toMatchObject({ type: 'CLIENT_ERROR', errorCode: 'SERVICE-4029', message: 'Too many requests' });
    }
    const cleared = await app.inject({ method: 'DELETE', url: '/_sandbox/faults' });
    expect(cleared.json()).toMatchObject({ errorRate: 0, failNext: 0 });
    expect((await v3('POST', '/orders/search', { filters: [] })).statusCode).toBe(200);
  });

  it('errorRate 1 with a 5xx status sends Retry-After too', async () => {
    const { v3 } = await setupSandbox({ faults: { errorRate: 1, status: 502, retryAfterSeconds: 2 } });
    const response = await v3('GET', '/orders/order-number/496');
    expect(response.statusCode).toBe(502);
    expect(response.headers['retry-after']).toBe('2');
    expect(response.json()).toMatchObject({ type: 'SERVER_ERROR', errorCode: 'SERVICE-5000' });
  });

  it('applies faults before auth, like a gateway would', async () => {
    const app = buildSandboxApp({ faults: { failNext: 1 } });
    const response = await app.inject({ method: 'GET', url: '/v3/orders/order-number/496' });
    expect(response.statusCode).toBe(503);
    expect((await app.inject({ method: 'GET', url: '/v3/orders/order-number/496' })).statusCode).toBe(401);
  });

  it('uses the random source for partial error rates', async () => {
    const draws = [0.1, 0.9, 0.4, 0.6];
    const { v3 } = await setupSandbox({ faults: { errorRate: 0.5 }, random: () => draws.shift() ?? 1 });
    const statuses = [];
    for (let i = 0; i < 4; i += 1) statuses.push((await v3('GET', '/orders/order-number/496')).statusCode);
    expect(statuses).toEqual([503, 200, 503, 200]);
  });

  it('delays /v3 answers by latencyMs', async () => {
    const { v3 } = await setupSandbox({ faults: { latencyMs: 60 } });
    const started = performance.now();
    expect((await v3('GET', '/orders/order-number/496')).statusCode).toBe(200);
    expect(performance.now() - started).toBeGreaterThanOrEqual(55);
  });

  it('timeoutRate hangs, then fails; closing the app ends the hang', async () => {
    const quick = await setupSandbox({ faults: { timeoutRate: 1, status: 504 }, timeoutHangMs: 50 });
    const started = performance.now();
    const response = await quick.v3('GET', '/orders/order-number/496');
    expect(response.statusCode).toBe(504);
    expect(performance.now() - started).toBeGreaterThanOrEqual(45);

    const slow = await setupSandbox({ faults: { timeoutRate: 1 } }); // default 30 s hang
    const pending = slow.v3('GET', '/orders/order-number/496');
    await new Promise((resolve) => setTimeout(resolve, 20));
    const closing = performance.now();
    await Promise.all([slow.app.close(), pending]);
    expect(performance.now() - closing).toBeLessThan(2_000);
  });

  it('rejects invalid fault settings with 400 SERVICE-4002', async () => {
    const app = buildSandboxApp({});
    for (const payload of [{ errorRate: 2 }, { status: 200 }, { failnext: 1 }, { latencyMs: -1 }]) {
      const response = await app.inject({ method: 'POST', url: '/_sandbox/faults', payload });
      expect(response.statusCode).toBe(400);
      expect(response.json().errorCode).toBe('SERVICE-4002');
    }
    expect(() => buildSandboxApp({ faults: { errorRate: 5 } })).toThrow(/Invalid sandbox options/);
  });

  it('does not fault the /_sandbox hooks', async () => {
    const app = buildSandboxApp({ faults: { errorRate: 1 } });
    expect((await app.inject({ method: 'GET', url: '/_sandbox/calls' })).statusCode).toBe(200);
    const token = await issueToken(app);
    expect((await app.inject({ method: 'GET', url: '/v3/orders/order-number/496', headers: fabricHeaders(token) })).statusCode).toBe(503);
  });
});

describe('lost responses', () => {
  it('loseNextChanges: reads pass, the next changing call takes effect and answers the fault, the one after is normal', async () => {
    const { app, v3 } = await setupSandbox();
    await app.inject({ method: 'POST', url: '/_sandbox/faults', payload: { loseNextChanges: 1 } });
    expect((await v3('GET', '/orders/order-number/496')).statusCode).toBe(200);
    expect((await v3('POST', '/orders/search', { filters: [] })).statusCode).toBe(200);
    const lost = await v3('POST', '/orders/order-number/496/actions/cancel', { reasonCode: 'R', items: [{ lineItemId: '7397', itemUnitNumber: 3, quantity: 1 }] });
    expect(lost.statusCode).toBe(503);
    const order = (await v3('GET', '/orders/order-number/496')).json() as StoredOrder;
    expect(order.items.find((item) => item.lineItemId === '7397')?.cancelledQuantity).toBe(1);
    const next = await v3('POST', '/orders/order-number/496/actions/cancel', { reasonCode: 'R', items: [{ lineItemId: '7397', itemUnitNumber: 2, quantity: 1 }] });
    expect(next.statusCode).toBe(200);
  });

  it('lostResponseRate 1: the call takes effect, the ledger records it, the caller gets the fault', async () => {
    const app = buildSandboxApp();
    const token = (
      await app.inject({
        method: 'POST',
        url: '/oauth2/default/v1/token',
        headers: { authorization: `Basic ${Buffer.from('sandbox-client:sandbox-secret').toString('base64')}`, 'content-type': 'application/x-www-form-urlencoded' },
        payload: 'grant_type=client_credentials',
      })
    ).json<{ access_token: string }>().access_token;
    await app.inject({ method: 'POST', url: '/_sandbox/faults', payload: { lostResponseRate: 1, status: 502 } });
    const headers = { authorization: `Bearer ${token}`, 'x-fabric-tenant-id': 't', 'x-fabric-channel-id': '12' };
    const cancel = await app.inject({ method: 'POST', url: '/v3/orders/order-number/497/actions/cancel', headers, payload: { reasonCode: 'X' } });
    expect(cancel.statusCode).toBe(502);
    await app.inject({ method: 'DELETE', url: '/_sandbox/faults' });
    const order = await app.inject({ method: 'GET', url: '/v3/orders/order-number/497', headers });
    expect(order.json<{ statusCode: string }>().statusCode).toBe('ORDER_CANCELLED');
    const calls = (await app.inject({ method: 'GET', url: '/_sandbox/calls' })).json<{ calls: { kind: string; status: number }[] }>().calls;
    expect(calls).toEqual([expect.objectContaining({ kind: 'cancel', status: 200 })]);
    await app.close();
  });
});
