import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { sandboxFabricSettings } from '../../shared/config.js';
import { FabricClient } from '../../shared/fabric/client.js';
import { FabricError } from '../../shared/fabric/errors.js';
import { createHttpTransport, HttpResponseTooLargeError, type HttpTransport } from '../../shared/fabric/http.js';
import { startSandbox } from '../../sandbox/server.js';
import { createSandboxClient } from '../../sandbox/client.js';

/** The fabric client against the sandbox over HTTP: headers, token cache and refresh, errors and timeouts. */
const running: { close(): Promise<void> }[] = [];
const pool = createHttpTransport();
afterAll(async () => pool.close());
afterEach(async () => {
  await Promise.all(running.splice(0).map((server) => server.close()));
});

async function sandbox(options: Parameters<typeof startSandbox>[0] = {}) {
  const server = await startSandbox({ port: 0, ...options });
  running.push(server);
  return server;
}

const call = { requestId: 'job-1.1' };

describe('FabricClient', () => {
  it('reads an order and sends the tenant, channel and request id headers', async () => {
    const server = await sandbox();
    const seen: Readonly<Record<string, string>>[] = [];
    const recording: HttpTransport = async (request) => {
      seen.push(request.headers);
      return pool.send(request);
    };
    const client = new FabricClient({ settings: sandboxFabricSettings(server.url, '12'), timeoutMs: 2000, transport: recording });
    const order = await client.getOrderByNumber('496', call);
    expect(order?.orderNumber).toBe('496');
    expect(order?.items.map((item) => item.sku)).toEqual(['299', '132', '53']);
    const apiCall = seen.find((headers) => headers['x-fabric-tenant-id']);
    expect(apiCall).toMatchObject({ 'x-fabric-tenant-id': 'sandbox-tenant', 'x-fabric-channel-id': '12', 'x-fabric-request-id': 'job-1.1' });
    expect(apiCall?.['authorization']).toMatch(/^Bearer /);
    expect(await client.getOrderByNumber('nope', call)).toBeNull();
  });

  // fabric's shipmentResponse requires only `version`, and the search's filter field is read from the document rather
  // than confirmed by the spec: what the bridge cannot use, or what belongs to another order, is not taken.
  it('reads an order\'s shipments leniently, and never takes another order\'s', async () => {
    const server = await sandbox();
    const foreign = { version: 1, shipmentId: 'other', orderNumbers: ['497'], cartons: [{ items: [{ lineItemId: '7395', shipmentLineItemId: '9', shippedQuantity: 1 }] }] };
    const bare = { version: 1 };
    const rewriting: HttpTransport = async (request) => {
      const response = await pool.send(request);
      if (!request.url.includes('/shipments/search')) return response;
      const page = JSON.parse(response.text) as { data: unknown[] };
      // As a tenant might answer: extra shipments, no pagination block.
      return { ...response, text: JSON.stringify({ data: [...page.data, foreign, bare] }), header: (name) => response.header(name) };
    };
    const client = new FabricClient({ settings: sandboxFabricSettings(server.url, '12'), timeoutMs: 2000, transport: rewriting });
    const shipments = await client.searchShipments('496', call);
    expect(shipments.map((shipment) => shipment.shipmentNumber ?? null)).toEqual(['496-S1', null]);
    expect(shipments.some((shipment) => shipment.shipmentId === 'other')).toBe(false);
  });

  it('caches the token and fetches a new one once when fabric refuses it', async () => {
    let now = Date.now();
    const server = await sandbox({ now: () => now, tokenTtlSeconds: 600 });
    let tokenRequests = 0;
    const counting: HttpTransport = async (request) => {
      if (request.url.includes('/oauth2/')) tokenRequests += 1;
      return pool.send(request);
    };
    const client = new FabricClient({ settings: sandboxFabricSettings(server.url, '12'), timeoutMs: 2000, transport: counting });
    await client.getOrderByNumber('496', call);
    await client.getOrderByNumber('497', call);
    expect(tokenRequests).toBe(1);
    now += 700_000; // fabric's clock passes the token's expiry while the client still holds it
    expect((await client.getOrderByNumber('498', call))?.orderNumber).toBe('498');
    expect(tokenRequests).toBe(2);
  });

  it('maps fabric errors to permanent or transient failures with code, status and Retry-After', async () => {
    const server = await sandbox();
    const client = new FabricClient({ settings: sandboxFabricSettings(server.url, '12'), timeoutMs: 2000, transport: pool.send });
    await client.cancelOrder('497', { reasonCode: 'X', source: 'test' }, call);
    const again = await client.cancelOrder('497', { reasonCode: 'X', source: 'test' }, call).catch((error: unknown) => error);
    expect(again).toBeInstanceOf(FabricError);
    expect((again as FabricError).details).toMatchObject({ status: 412, errorCode: 'ORDER-2004', kind: 'permanent' });

    await createSandboxClient(server.url).setFaults({ failNext: 1, status: 429, retryAfterSeconds: 7 });
    const limited = await client.getOrderByNumber('496', call).catch((error: unknown) => error);
    expect((limited as FabricError).details).toMatchObject({ status: 429, kind: 'transient', retryAfterMs: 7000 });
  });

  it('times out a slow answer as a transient failure', async () => {
    const server = await sandbox({ faults: { latencyMs: 1000 } });
    const client = new FabricClient({ settings: sandboxFabricSettings(server.url, '12'), timeoutMs: 200, transport: pool.send });
    const error = await client.getOrderByNumber('496', call).catch((caught: unknown) => caught);
    expect((error as FabricError).details).toMatchObject({ errorCode: 'TIMEOUT', kind: 'transient', status: null });
  });
});

describe('the HTTP transport', () => {
  it('stops reading an answer over maxResponseBytes; the client reports it as a permanent failure', async () => {
    const { createServer } = await import('node:http');
    const huge = JSON.stringify({ orderNumber: '496', padding: 'x'.repeat(4096) });
    const server = createServer((request, response) => {
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end(request.url === '/token' ? JSON.stringify({ access_token: 't', token_type: 'Bearer', expires_in: 3600 }) : huge);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const address = server.address();
    const port = typeof address === 'object' && address ? address.port : 0;
    const small = createHttpTransport({ maxResponseBytes: 1024 });
    try {
      await expect(small.send({ method: 'GET', url: `http://127.0.0.1:${port}/`, headers: {}, timeoutMs: 2000 })).rejects.toBeInstanceOf(HttpResponseTooLargeError);
      expect((await pool.send({ method: 'GET', url: `http://127.0.0.1:${port}/`, headers: {}, timeoutMs: 2000 })).text).toBe(huge);

      const settings = { ...sandboxFabricSettings(`http://127.0.0.1:${port}`, '12'), authUrl: `http://127.0.0.1:${port}/token` };
      const client = new FabricClient({ settings, timeoutMs: 2000, transport: small.send });
      const error = await client.getOrderByNumber('496', call).catch((caught: unknown) => caught);
      expect((error as FabricError).details).toMatchObject({ errorCode: 'RESPONSE_TOO_LARGE', kind: 'permanent' });
    } finally {
      await small.close();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });
});
