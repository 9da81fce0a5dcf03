import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { InboxStore } from '../../shared/inbox/store.js';
import { inboxKeys } from '../../shared/keys.js';
import { buildDemoOrders } from '../../sandbox/state.js';
import { fabricOrderSchema } from '../../shared/fabric/schemas.js';
import { toChannelOrder } from '../../shared/inbox/map-order.js';

/** The order inbox on a real Redis: acknowledgement outcomes, and retention of acknowledged orders' bodies. */
let redis: Redis;

beforeAll(() => {
  redis = new Redis(inject('redisUrl'));
});
afterAll(async () => {
  await redis.quit();
});

function inbox(): InboxStore {
  return new InboxStore(redis, `{i${randomBytes(4).toString('hex')}}`);
}

function orders(...numbers: string[]) {
  const demo = buildDemoOrders(new Date().toISOString()).find((order) => order.orderNumber === '496');
  if (!demo) throw new Error('sandbox demo order 496 is missing');
  return numbers.map((orderNumber) => toChannelOrder(fabricOrderSchema.parse({ ...demo, orderNumber })));
}

describe('InboxStore', () => {
  // Bodies of this schema are read without a second check; others (an older deploy's) are checked, and dropped if
  // they no longer fit, rather than handed to a renderer that expects fields they lack.
  it('reads bodies stored for another schema shape only when they still fit the schema', async () => {
    const prefix = `{i${randomBytes(4).toString('hex')}}`;
    const store = new InboxStore(redis, prefix);
    const [current, older, broken] = orders('1', '2', '3');
    await store.add('default', [current!, older!, broken!]);
    const ordersKey = `${prefix}:inbox:default:orders`;
    const raw = JSON.parse((await redis.hget(ordersKey, '1')) ?? '{}') as Record<string, unknown>;
    expect(typeof raw['shape']).toBe('string');
    await redis.hset(ordersKey, '2', JSON.stringify({ ...older, shape: 'older-deploy' }));
    const { items: _dropped, ...lacking } = broken!;
    await redis.hset(ordersKey, '3', JSON.stringify({ ...lacking, shape: 'older-deploy' }));
    const page = await store.page('default', 0, 10);
    expect(page.orders.map((order) => order.refnum)).toEqual(['1', '2']);
    expect(page.orders[0]).toEqual(current);
    expect(page.orders[1]).toEqual(older);
  });

  it('acknowledges once, ignores repeated and unknown refnums, and never re-offers', async () => {
    const prefix = `{i${randomBytes(4).toString('hex')}}`;
    const store = new InboxStore(redis, prefix);
    const ackedKey = inboxKeys(prefix, 'default').acked;
    expect(await store.add('default', orders('1', '2'))).toBe(2);
    expect(await store.knownRefnums('default', ['1', 'nope'])).toEqual(['1']);
    await store.acknowledge('default', ['1', 'nope']);
    const acknowledgedAt = await redis.zscore(ackedKey, '1');
    expect(acknowledgedAt).not.toBeNull();
    expect(await redis.zscore(ackedKey, 'nope')).toBeNull();
    await new Promise((resolve) => setTimeout(resolve, 5));
    await store.acknowledge('default', ['1']);
    expect(await redis.zscore(ackedKey, '1')).toBe(acknowledgedAt);
    expect((await store.page('default', 0, 10)).orders.map((order) => order.refnum)).toEqual(['2']);
    expect(await store.add('default', orders('1'))).toBe(0);
  });

  it('prune drops the bodies of orders acknowledged before the cutoff, and only those', async () => {
    const store = inbox();
    await store.add('default', orders('10', '11', '12'));
    await store.acknowledge('default', ['10']);
    const cutoff = Date.now() + 1;
    await new Promise((resolve) => setTimeout(resolve, 5));
    await store.acknowledge('default', ['11']);

    expect(await store.prune('default', cutoff)).toBe(1);
    expect(await store.get('default', '10')).toBeNull();
    expect(await store.knownRefnums('default', ['10', '11', '12'])).toEqual(['11', '12']);
    // The pending order and the one acknowledged after the cutoff keep their bodies.
    expect((await store.get('default', '11'))?.refnum).toBe('11');
    expect((await store.page('default', 0, 10)).orders.map((order) => order.refnum)).toEqual(['12']);
    expect(await store.prune('default', cutoff)).toBe(0);
    expect(await store.prune('default', Date.now() + 1)).toBe(1);
    expect(await store.knownRefnums('default', ['10', '11', '12'])).toEqual(['12']);
  });

  it('prune works through a backlog in batches of `limit`', async () => {
    const store = inbox();
    const numbers = Array.from({ length: 25 }, (_, index) => String(100 + index));
    await store.add('default', orders(...numbers));
    await store.acknowledge('default', numbers);
    const cutoff = Date.now() + 1;
    expect(await store.prune('default', cutoff, 10)).toBe(10);
    expect(await store.prune('default', cutoff, 10)).toBe(10);
    expect(await store.prune('default', cutoff, 10)).toBe(5);
    expect(await store.knownRefnums('default', numbers)).toEqual([]);
  });

  it('refresh: a cancel withdraws an order no fetch returned, and shows in one already offered', async () => {
    const store = inbox();
    await store.add('default', orders('20', '21'));
    await store.markOffered('default', ['21']);
    const [twenty, twentyOne] = orders('20', '21').map((order) => ({ ...order, status: 'ORDER_CANCELLED', items: [] }));
    if (!twenty || !twentyOne) throw new Error('orders missing');
    expect(await store.refresh('default', twenty, true)).toBe('withdrawn');
    expect(await store.refresh('default', twentyOne, true)).toBe('updated');
    expect((await store.page('default', 0, 10)).orders).toEqual([twentyOne]);
    // A withdrawn order is never added again, and counts as done: ack says so, prune drops it.
    expect(await store.add('default', orders('20'))).toBe(0);
    await store.acknowledge('default', ['20', '21']);
    expect(await store.pendingCount('default')).toBe(0);
    expect(await store.refresh('default', twentyOne, false)).toBe('gone');
    expect(await store.prune('default', Date.now() + 1)).toBe(2);
  });

  it('skipped orders: recorded once with first and last sighting, cleared', async () => {
    const store = inbox();
    await store.recordSkipped('default', 'B-1', 'unreadable: a', new Date('2024-01-01T00:00:00.000Z'));
    await store.recordSkipped('default', 'B-1', 'unreadable: b', new Date('2024-01-02T00:00:00.000Z'));
    expect(await store.skipped('default')).toEqual([
      { orderNumber: 'B-1', reason: 'unreadable: b', firstSeenAt: '2024-01-01T00:00:00.000Z', lastSeenAt: '2024-01-02T00:00:00.000Z' },
    ]);
    expect(await store.clearSkipped('default', ['B-1', 'B-2'])).toBe(1);
    expect(await store.skipped('default')).toEqual([]);
  });
});
