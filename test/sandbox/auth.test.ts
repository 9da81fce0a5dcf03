import { describe, expect, it } from 'vitest';
import { buildSandboxApp } from '../../sandbox/app.js';
import { basicAuth, fabricHeaders, issueToken, requestToken } from './helpers.js';

describe('token endpoint', () => {
  it('issues a bearer token for client credentials', async () => {
    const app = buildSandboxApp({});
    const response = await requestToken(app);
    expect(response.statusCode).toBe(200);
    const body = response.json();
    expect(body).toMatchObject({ token_type: 'Bearer', expires_in: 600, scope: 's2s' });
    expect(body.access_token).toEqual(expect.any(String));
    expect(body.access_token.length).toBeGreaterThan(20);
  });

  it('accepts configured clients and their TTL', async () => {
    const app = buildSandboxApp({ clients: [{ clientId: 'bridge', clientSecret: 's3cret' }], tokenTtlSeconds: 60 });
    const ok = await requestToken(app, basicAuth('bridge', 's3cret'));
    expect(ok.statusCode).toBe(200);
    expect(ok.json().expires_in).toBe(60);
    expect((await requestToken(app)).statusCode).toBe(401); // the default client is not configured here
  });

  it.each([
    ['wrong secret', basicAuth('sandbox-client', 'nope')],
    ['unknown client', basicAuth('someone', 'sandbox-secret')],
    ['not basic', 'Bearer abc'],
    ['garbage', 'Basic !!!'],
  ])('answers 401 SERVICE-4001 for %s', async (_case, authorization) => {
    const app = buildSandboxApp({});
    const response = await requestToken(app, authorization);
    expect(response.statusCode).toBe(401);
    expect(response.json()).toMatchObject({ type: 'CLIENT_ERROR', errorCode: 'SERVICE-4001' });
  });

  it('requires grant_type=client_credentials', async () => {
    const app = buildSandboxApp({});
    const response = await app.inject({
      method: 'POST',
      url: '/oauth2/x/v1/token',
      headers: { authorization: basicAuth(), 'content-type': 'application/x-www-form-urlencoded' },
      payload: 'grant_type=password',
    });
    expect(response.statusCode).toBe(400);
    expect(response.json().errorCode).toBe('SERVICE-4002');
  });
});

describe('/v3 gate', () => {
  it('rejects missing, unknown and expired bearer tokens with 401 SERVICE-4001', async () => {
    let now = 1_000_000;
    const app = buildSandboxApp({ tokenTtlSeconds: 600, now: () => now });
    const token = await issueToken(app);
    const get = (headers: Record<string, string>) =>
      app.inject({ method: 'GET', url: '/v3/orders/order-number/496', headers });

    const { authorization: _omit, ...noAuth } = fabricHeaders(token);
    const missing = await get(noAuth);
    expect(missing.statusCode).toBe(401);
    expect(missing.json()).toEqual({
      type: 'CLIENT_ERROR',
      errorCode: 'SERVICE-4001',
      message: 'Missing bearer token',
      errors: [],
      context: { service: 'orders', endpoint: '/v3/orders/order-number/496' },
    });
    expect((await get(fabricHeaders('not-a-token'))).statusCode).toBe(401);

    now += 599_000;
    expect((await get(fabricHeaders(token))).statusCode).toBe(200);
    now += 1_000;
    const expired = await get(fabricHeaders(token));
    expect(expired.statusCode).toBe(401);
    expect(expired.json().message).toBe('Access token expired');
  });

  it.each(['x-fabric-tenant-id', 'x-fabric-channel-id'])('answers 400 SERVICE-4003 without %s', async (header) => {
    const app = buildSandboxApp({});
    const headers = fabricHeaders(await issueToken(app));
    delete headers[header];
    const response = await app.inject({ method: 'GET', url: '/v3/orders/order-number/496', headers });
    expect(response.statusCode).toBe(400);
    expect(response.json()).toMatchObject({ type: 'CLIENT_ERROR', errorCode: 'SERVICE-4003' });
    expect(response.json().message).toContain(header);
  });

  it('echoes x-fabric-request-id on success and on errors', async () => {
    const app = buildSandboxApp({});
    const token = await issueToken(app);
    const ok = await app.inject({
      method: 'GET',
      url: '/v3/orders/order-number/496',
      headers: fabricHeaders(token, { 'x-fabric-request-id': 'req-1' }),
    });
    expect(ok.headers['x-fabric-request-id']).toBe('req-1');
    const notFound = await app.inject({
      method: 'GET',
      url: '/v3/orders/order-number/nope',
      headers: fabricHeaders(token, { 'x-fabric-request-id': 'req-2' }),
    });
    expect(notFound.statusCode).toBe(404);
    expect(notFound.headers['x-fabric-request-id']).toBe('req-2');
    const noId = await app.inject({ method: 'GET', url: '/v3/orders/order-number/496', headers: fabricHeaders(token) });
    expect(noId.headers['x-fabric-request-id']).toBeUndefined();
  });
});
