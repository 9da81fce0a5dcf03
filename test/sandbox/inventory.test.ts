// fabric's Inventory API in the sandbox (sandbox/routes/inventories.ts): create, find, find-and-update (set),
// find-and-adjust-inventory-counters (add), counters; each answer checked against fabric-inventory-openapi.yml.
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createSandboxClient, type FabricInventory, type LedgerEntry, type SandboxClient } from '../../sandbox/client.js';
import type { ContractViolation } from '../../sandbox/contract/checks.js';
import { startSandbox, type RunningSandbox } from '../../sandbox/server.js';
import { setupSandbox, type TestSandbox } from './helpers.js';

const UPDATE = '/inventories/actions/find-and-update';
const ADJUST = '/inventories/actions/find-and-adjust-inventory-counters';
const FIND = '/inventories/actions/find';

async function hook<T>(app: FastifyInstance, method: 'GET' | 'POST', url: string, payload?: unknown): Promise<T> {
  const response = await app.inject({ method, url: `/_sandbox${url}`, ...(payload === undefined ? {} : { payload: payload as object }) });
  return response.json() as T;
}

const violations = async (app: FastifyInstance): Promise<ContractViolation[]> =>
  (await hook<{ violations: ContractViolation[] }>(app, 'GET', '/contract-violations')).violations;

const calls = async (app: FastifyInstance): Promise<LedgerEntry[]> => (await hook<{ calls: LedgerEntry[] }>(app, 'GET', '/calls')).calls;

/** One inventory of SKU-1 at location 100, channel 12, with onHand 10 and allocated 2 (both counters configured). */
async function seeded(options: Parameters<typeof setupSandbox>[0] = {}, extra: Record<string, unknown> = {}): Promise<TestSandbox & { seed: FabricInventory }> {
  const sandbox = await setupSandbox(options);
  const seed = await hook<FabricInventory>(sandbox.app, 'POST', '/inventories', { sku: 'SKU-1', locationNumber: 100, counters: { onHand: 10, allocated: 2 }, ...extra });
  return { ...sandbox, seed };
}

describe('inventory counters', () => {
  it('are configured with POST /inventory-counters (409 for a code that exists) and listed by GET', async () => {
    const { app, v3 } = await setupSandbox();
    const created = await v3('POST', '/inventory-counters', { code: 'onHand', name: 'On hand' });
    expect(created.statusCode).toBe(201);
    expect(created.json()).toEqual({ id: expect.any(String), code: 'onHand', name: 'On hand' });

    const again = await v3('POST', '/inventory-counters', { code: 'onHand' });
    expect(again.statusCode).toBe(409);
    expect(again.json()).toMatchObject({ type: 'CLIENT_ERROR', message: 'Counter code already exists', context: { service: 'inventories' } });

    await v3('POST', '/inventory-counters', { code: 'allocated' });
    const listed = await v3('GET', '/inventory-counters?limit=1&offset=1');
    expect(listed.json()).toEqual({ data: [{ id: expect.any(String), code: 'allocated' }], pagination: { offset: 1, limit: 1, count: 2 } });
    expect((await v3('POST', '/inventory-counters', { name: 'no code' })).statusCode).toBe(400);
    expect((await violations(app)).filter((violation) => violation.direction === 'response')).toEqual([]);
  });
});

describe('create inventory', () => {
  it('stores the inventory in the caller’s channel with a generated itemId, and refuses a second one (409)', async () => {
    const { app, v3 } = await setupSandbox({ now: () => Date.parse('2024-05-05T05:05:05.000Z') });
    await v3('POST', '/inventory-counters', { code: 'onHand' });
    const body = { sku: 'SKU-1', locationNumber: 100, counters: { onHand: 5 }, status: 'IN_STOCK' };
    const created = await v3('POST', '/inventories', body, { 'x-fabric-channel-id': '13' });
    expect(created.statusCode).toBe(201);
    const inventory = created.json() as FabricInventory;
    expect(inventory).toEqual({
      inventoryId: expect.any(String),
      sku: 'SKU-1',
      itemId: expect.any(Number),
      locationNumber: 100,
      channelId: '13',
      counters: { onHand: 5 },
      status: 'IN_STOCK',
      hasInfiniteInventory: false,
      createdAt: '2024-05-05T05:05:05.000Z',
      updatedAt: '2024-05-05T05:05:05.000Z',
    });

    // Same sku, location and channel: 409. Another location: the same item, so the same itemId.
    const conflict = await v3('POST', '/inventories', body, { 'x-fabric-channel-id': '13' });
    expect(conflict.statusCode).toBe(409);
    expect(conflict.json()).toMatchObject({ message: 'Inventory with same item ID or SKU, location ID and channel ID already exists' });
    const elsewhere = await v3('POST', '/inventories', { ...body, locationNumber: 200 }, { 'x-fabric-channel-id': '13' });
    expect((elsewhere.json() as FabricInventory).itemId).toBe(inventory.itemId);
    expect(await violations(app)).toEqual([]);
  });

  it('refuses counters nobody configured and custom attributes with 404 "Following attributes not found"', async () => {
    const { app, v3 } = await setupSandbox();
    await v3('POST', '/inventory-counters', { code: 'onHand' });
    const unknownCounter = await v3('POST', '/inventories', { sku: 'S', locationNumber: 1, counters: { onHand: 1, shipped: 0 } });
    expect(unknownCounter.statusCode).toBe(404);
    expect(unknownCounter.json()).toMatchObject({ errorCode: 'SERVICE-4004', message: 'Following attributes not found:[shipped]' });
    const attribute = await v3('POST', '/inventories', { sku: 'S', locationNumber: 1, counters: { onHand: 1 }, customAttributes: { isBopis: 'true' } });
    expect(attribute.statusCode).toBe(404);
    expect(attribute.json()).toMatchObject({ message: 'Following attributes not found:[isBopis]' });
    expect(await hook(app, 'GET', '/inventories')).toEqual({ inventories: [] });
    expect(await violations(app)).toEqual([]);
  });
});

describe('find-and-update', () => {
  it('sets the counters it names (others kept) and the properties it sends', async () => {
    let now = Date.parse('2024-05-05T05:05:05.000Z');
    const { app, v3, seed } = await seeded({ now: () => now });
    now += 60_000;
    const updated = await v3('POST', UPDATE, { sku: 'SKU-1', locationNumber: 100, counters: { onHand: 7 }, status: 'LOW_STOCK', lowStock: 3 });
    expect(updated.statusCode).toBe(200);
    expect(updated.json()).toEqual({
      ...seed,
      counters: { onHand: 7, allocated: 2 },
      status: 'LOW_STOCK',
      lowStock: 3,
      updatedAt: '2024-05-05T05:06:05.000Z',
    });

    // Set, not add: the same call again changes nothing.
    const repeated = await v3('POST', UPDATE, { sku: 'SKU-1', locationNumber: 100, counters: { onHand: 7 } });
    expect((repeated.json() as FabricInventory).counters).toEqual({ onHand: 7, allocated: 2 });

    const found = await v3('POST', FIND, { skus: ['SKU-1'], locationNumbers: [100] });
    expect(found.statusCode).toBe(200);
    expect(found.json()).toEqual({ data: [repeated.json()], pagination: { offset: 0, limit: 10, count: 1 } });
    expect(await violations(app)).toEqual([]);
  });

  it('is a 404 for an unknown sku, location or channel, or an itemId or channelId that does not match', async () => {
    const { app, v3, seed } = await seeded();
    const update = { sku: 'SKU-1', locationNumber: 100, counters: { onHand: 1 } };
    const refusals = [
      await v3('POST', UPDATE, { ...update, sku: 'SKU-404' }),
      await v3('POST', UPDATE, { ...update, locationNumber: 404 }),
      await v3('POST', UPDATE, update, { 'x-fabric-channel-id': '13' }),
      await v3('POST', UPDATE, { ...update, channelId: '13' }),
      await v3('POST', UPDATE, { ...update, itemId: seed.itemId + 1 }),
    ];
    expect(refusals.map((response) => response.statusCode)).toEqual([404, 404, 404, 404, 404]);
    expect(refusals[0]?.json()).toEqual({
      type: 'CLIENT_ERROR',
      errorCode: 'SERVICE-4004',
      message: 'inventory not found: sku SKU-404 at location 100 in channel 12',
      errors: [],
      context: { service: 'inventories', endpoint: `/v3${UPDATE}` },
    });
    expect((await v3('POST', UPDATE, { ...update, channelId: '12', itemId: seed.itemId })).statusCode).toBe(200);
    expect(await violations(app)).toEqual([]);
  });

  it('refuses a counter nobody configured and any custom attribute (404), changing nothing', async () => {
    const { app, v3, seed } = await seeded();
    const unknown = await v3('POST', UPDATE, { sku: 'SKU-1', locationNumber: 100, counters: { onHand: 1, inTransit: 4 } });
    expect(unknown.statusCode).toBe(404);
    expect(unknown.json()).toMatchObject({ message: 'Following attributes not found:[inTransit]' });
    const attribute = await v3('POST', UPDATE, { sku: 'SKU-1', locationNumber: 100, counters: {}, customAttributes: { isBopis: 'true' } });
    expect(attribute.json()).toMatchObject({ message: 'Following attributes not found:[isBopis]' });
    expect(await hook(app, 'GET', '/inventories?sku=SKU-1')).toEqual({ inventories: [seed] });
  });

  it('wants the itemId on every write once the merchant chose it (400 without, 404 for another)', async () => {
    const { app, v3 } = await seeded({}, { itemId: 555 });
    const without = await v3('POST', UPDATE, { sku: 'SKU-1', locationNumber: 100, counters: { onHand: 1 } });
    expect(without.statusCode).toBe(400);
    expect(without.json()).toMatchObject({ errorCode: 'SERVICE-4003', message: 'Mandatory param(s): `itemId` is/are missing' });
    expect((await v3('POST', ADJUST, { sku: 'SKU-1', locationNumber: 100, counters: { onHand: 1 } })).statusCode).toBe(400);
    expect((await v3('POST', UPDATE, { sku: 'SKU-1', itemId: 556, locationNumber: 100, counters: { onHand: 1 } })).statusCode).toBe(404);
    expect((await v3('POST', UPDATE, { sku: 'SKU-1', itemId: 555, locationNumber: 100, counters: { onHand: 1 } })).statusCode).toBe(200);
    // Creating the same item elsewhere also needs it.
    expect((await v3('POST', '/inventories', { sku: 'SKU-1', locationNumber: 200, counters: { onHand: 1 } })).statusCode).toBe(400);
    expect((await violations(app)).filter((violation) => violation.direction === 'response')).toEqual([]);
  });
});

describe('find-and-adjust-inventory-counters', () => {
  it('adds each delta to its counter', async () => {
    const { app, v3, seed } = await seeded();
    const adjusted = await v3('POST', ADJUST, { sku: 'SKU-1', locationNumber: 100, counters: { onHand: -3, allocated: 1 } });
    expect(adjusted.statusCode).toBe(200);
    expect((adjusted.json() as FabricInventory).counters).toEqual({ onHand: 7, allocated: 3 });
    // Add, not set: the same call again moves the counters again.
    const again = await v3('POST', ADJUST, { sku: 'SKU-1', locationNumber: 100, inventoryId: seed.inventoryId, counters: { onHand: -3 } });
    expect((again.json() as FabricInventory).counters).toEqual({ onHand: 4, allocated: 3 });
    expect(await violations(app)).toEqual([]);
  });

  it('is a 404 "inventory or counter code not found" for an unknown inventory or a counter it lacks, changing nothing', async () => {
    const { app, v3, seed } = await seeded();
    await v3('POST', '/inventory-counters', { code: 'shipped' }); // configured, but not on this inventory
    const refusals = [
      await v3('POST', ADJUST, { sku: 'SKU-404', locationNumber: 100, counters: { onHand: 1 } }),
      await v3('POST', ADJUST, { sku: 'SKU-1', locationNumber: 404, counters: { onHand: 1 } }),
      await v3('POST', ADJUST, { sku: 'SKU-1', locationNumber: 100, inventoryId: 'another', counters: { onHand: 1 } }),
      await v3('POST', ADJUST, { sku: 'SKU-1', locationNumber: 100, counters: { onHand: 1, shipped: 1 } }),
      await v3('POST', ADJUST, { sku: 'SKU-1', locationNumber: 100, counters: { unconfigured: 1 } }),
    ];
    expect(refusals.map((response) => response.statusCode)).toEqual([404, 404, 404, 404, 404]);
    expect(refusals.map((response) => (response.json() as { message: string }).message)).toEqual([
      'inventory or counter code not found: sku SKU-404 at location 100 in channel 12',
      'inventory or counter code not found: sku SKU-1 at location 404 in channel 12',
      'inventory or counter code not found: sku SKU-1 at location 100 in channel 12',
      'inventory or counter code not found: counter shipped on sku SKU-1',
      'inventory or counter code not found: counter unconfigured on sku SKU-1',
    ]);
    expect(await hook(app, 'GET', '/inventories')).toEqual({ inventories: [seed] });
    expect(await violations(app)).toEqual([]);
  });
});

describe('what fabric’s spec refuses is a 400 before anything changes', () => {
  it('names missing sku, locationNumber and counters (SERVICE-4003) and wrong types (SERVICE-4002)', async () => {
    const { app, v3, seed } = await seeded();
    const missing = await v3('POST', UPDATE, { sku: 'SKU-1' });
    expect(missing.statusCode).toBe(400);
    expect(missing.json()).toMatchObject({
      type: 'CLIENT_ERROR',
      errorCode: 'SERVICE-4003',
      message: 'Mandatory param(s): `counters`, `locationNumber` is/are missing',
      context: { service: 'inventories' },
    });
    const noSku = await v3('POST', ADJUST, { locationNumber: 100, counters: { onHand: 1 } });
    expect(noSku.json()).toMatchObject({ errorCode: 'SERVICE-4003', message: 'Mandatory param(s): `sku` is/are missing' });
    expect((await v3('POST', '/inventories', { sku: 'S', locationNumber: 1 })).statusCode).toBe(400);

    // A counter is an integer (the erratum in test/contract/openapi-extract.ts), and so is a location number.
    const text = await v3('POST', ADJUST, { sku: 'SKU-1', locationNumber: 100, counters: { onHand: '1' } });
    expect(text.statusCode).toBe(400);
    expect(text.json()).toMatchObject({ errorCode: 'SERVICE-4002', message: "Invalid value(s) specified for 'counters.onHand'" });
    const location = await v3('POST', UPDATE, { sku: 'SKU-1', locationNumber: '100', counters: { onHand: 1 } });
    expect(location.json()).toMatchObject({ errorCode: 'SERVICE-4002', message: "Invalid value(s) specified for 'locationNumber'" });
    expect((await v3('POST', UPDATE, { sku: 'SKU-1', locationNumber: 100, counters: { onHand: 1.5 } })).statusCode).toBe(400);
    expect((await v3('POST', FIND, { skus: ['SKU-1'] }, {})).statusCode).toBe(200);
    expect((await v3('POST', `${FIND}?limit=101`, { skus: ['SKU-1'] })).statusCode).toBe(400);

    expect(await hook(app, 'GET', '/inventories')).toEqual({ inventories: [seed] });
    const found = await violations(app);
    expect(found.every((violation) => violation.direction === 'request')).toBe(true);
    expect(found.map((violation) => violation.operation)).toContain('POST /inventories/actions/find-and-update');
  });
});

describe('find', () => {
  it('narrows by every list sent, in the channels of the call, paged; location types are refused', async () => {
    const { app, v3 } = await seeded();
    for (const [sku, locationNumber] of [['SKU-1', 200], ['SKU-2', 100], ['SKU-3', 300]] as const) {
      await hook(app, 'POST', '/inventories', { sku, locationNumber, counters: { onHand: 1 } });
    }
    await hook(app, 'POST', '/inventories', { sku: 'SKU-1', locationNumber: 100, counters: { onHand: 9 }, channelId: '13' });
    const find = async (body: unknown, headers: Record<string, string> = {}, query = ''): Promise<[string, number, string][]> => {
      const response = await v3('POST', `${FIND}${query}`, body, headers);
      expect(response.statusCode).toBe(200);
      return (response.json() as { data: FabricInventory[] }).data.map((inventory) => [inventory.sku, inventory.locationNumber, inventory.channelId]);
    };

    expect(await find({ skus: ['SKU-1'] })).toEqual([['SKU-1', 100, '12'], ['SKU-1', 200, '12']]);
    expect(await find({ skus: ['SKU-1', 'SKU-2'], locationNumbers: [100] })).toEqual([['SKU-1', 100, '12'], ['SKU-2', 100, '12']]);
    expect(await find({ skus: ['SKU-1'] }, { 'x-fabric-channel-id': '13' })).toEqual([['SKU-1', 100, '13']]);
    expect(await find({ skus: ['SKU-1'], locationNumbers: [100] }, { 'x-fabric-channel-ids': '12, 13' })).toEqual([['SKU-1', 100, '12'], ['SKU-1', 100, '13']]);
    expect(await find({}, {}, '?offset=3&limit=2')).toEqual([['SKU-3', 300, '12']]);
    expect((await v3('POST', FIND, { skus: ['SKU-1'], locationTypes: ['DC'] })).statusCode).toBe(400);
    expect((await violations(app)).filter((violation) => violation.direction === 'response')).toEqual([]);
  });
});

describe('inventory ledger, faults and reset', () => {
  it('records every changing inventory call (also refused ones), not reads', async () => {
    const { app, v3 } = await setupSandbox({ now: () => Date.parse('2024-05-05T05:05:05.000Z') });
    await v3('POST', '/inventory-counters', { code: 'onHand' }, { 'x-fabric-request-id': 'req-counter' });
    const create = { sku: 'SKU-1', locationNumber: 100, counters: { onHand: 5 } };
    await v3('POST', '/inventories', create);
    await v3('POST', UPDATE, { sku: 'SKU-1', locationNumber: 100, counters: { onHand: 4 } });
    await v3('POST', ADJUST, { sku: 'SKU-1', locationNumber: 100, counters: { onHand: 1 } });
    await v3('POST', ADJUST, { sku: 'SKU-404', locationNumber: 100, counters: { onHand: 1 } });
    await v3('POST', UPDATE, { sku: 'SKU-1' });
    await v3('POST', FIND, { skus: ['SKU-1'] });
    await v3('GET', '/inventory-counters');

    const entries = await calls(app);
    expect(entries.map((entry) => [entry.kind, entry.path, entry.status])).toEqual([
      ['inventory', '/v3/inventory-counters', 201],
      ['inventory', '/v3/inventories', 201],
      ['inventory', `/v3${UPDATE}`, 200],
      ['inventory', `/v3${ADJUST}`, 200],
      ['inventory', `/v3${ADJUST}`, 404],
      ['inventory', `/v3${UPDATE}`, 400],
    ]);
    expect(entries[0]).toMatchObject({ orderNumber: null, requestId: 'req-counter', at: '2024-05-05T05:05:05.000Z' });
    expect(entries[1]?.body).toEqual(create);

    // Every one of these answers was checked against the spec (none is outside the contract), and none failed.
    const { exchanges } = await hook<{ exchanges: { operation: string }[] }>(app, 'GET', '/contract-exchanges');
    expect(new Set(exchanges.map((exchange) => exchange.operation))).toEqual(
      new Set([
        'POST /oauth2/{authServerId}/v1/token',
        'POST /inventory-counters',
        'GET /inventory-counters',
        'POST /inventories',
        'POST /inventories/actions/find',
        'POST /inventories/actions/find-and-update',
        'POST /inventories/actions/find-and-adjust-inventory-counters',
      ]),
    );
    expect((await violations(app)).filter((violation) => violation.direction === 'response')).toEqual([]);
  });

  it('a lost answer of a write has taken effect; find is a read, not a change', async () => {
    const { app, v3 } = await seeded();
    await hook(app, 'POST', '/faults', { loseNextChanges: 1 });
    expect((await v3('POST', FIND, { skus: ['SKU-1'] })).statusCode).toBe(200);
    const lost = await v3('POST', ADJUST, { sku: 'SKU-1', locationNumber: 100, counters: { onHand: 5 } });
    expect(lost.statusCode).toBe(503);
    expect(lost.json()).toMatchObject({ context: { service: 'inventories', endpoint: `/v3${ADJUST}` } });
    expect(await hook(app, 'GET', '/inventories')).toMatchObject({ inventories: [{ counters: { onHand: 15 } }] });
  });

  it('reset clears inventories and counters', async () => {
    const { app, v3 } = await seeded();
    await hook(app, 'POST', '/reset');
    expect(await hook(app, 'GET', '/inventories')).toEqual({ inventories: [] });
    expect((await v3('GET', '/inventory-counters')).json()).toMatchObject({ data: [], pagination: { count: 0 } });
    expect((await v3('POST', UPDATE, { sku: 'SKU-1', locationNumber: 100, counters: { onHand: 1 } })).statusCode).toBe(404);
  });
});

describe('the sandbox client’s inventory helpers', () => {
  let sandbox: RunningSandbox;
  let client: SandboxClient;

  beforeAll(async () => {
    sandbox = await startSandbox({ port: 0 });
    client = createSandboxClient(sandbox.url);
  });
  beforeEach(async () => client.reset());
  afterAll(async () => sandbox?.close());

  it('seeds, reads by sku and location, and forgets on reset', async () => {
    const seeded = await client.seedInventory({ sku: 'SKU-1', locationNumber: 100, counters: { onHand: 3 } });
    await client.seedInventory({ sku: 'SKU-1', locationNumber: 100, counters: { onHand: 8 }, channelId: '13' });
    expect(await client.getInventory('SKU-1', 100)).toEqual(seeded);
    expect((await client.getInventory('SKU-1', 100, '13'))?.counters).toEqual({ onHand: 8 });
    expect(await client.getInventory('SKU-1', 200)).toBeUndefined();
    expect(await client.inventories({ sku: 'SKU-1' })).toHaveLength(2);
    await client.reset();
    expect(await client.inventories()).toEqual([]);
  });

  it('refuses a seed fabric could not hold', async () => {
    await expect(client.seedInventory({ sku: 'SKU-1', locationNumber: 100, counters: {}, channelId: 12 as unknown as string })).rejects.toThrow('HTTP 400');
    await client.seedInventory({ sku: 'SKU-1', locationNumber: 100, counters: {} });
    await expect(client.seedInventory({ sku: 'SKU-1', locationNumber: 100, counters: {} })).rejects.toThrow('HTTP 409');
  });
});
