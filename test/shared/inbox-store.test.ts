import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { InboxStore } from '../../shared/inbox/store.js';
import { buildDemoOrders } from '../../sandbox/state.js';
import { fabricOrderSchema } from '../../shared/fabric/schemas.js';
import { toChannelOrder } from '../../workers/order/map-order.js';

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
  it('acknowledges once, tells repeated and unknown refnums apart, and never re-offers', async () => {
    const store = inbox();
    expect(await store.add('default', orders('1', '2'))).toBe(2);
    expect([...(await store.acknowledge('default', ['1', 'nope']))]).toEqual([
      ['1', 'acknowledged'],
      ['nope', 'unknown'],
    ]);
    expect([...(await store.acknowledge('default', ['1']))]).toEqual([['1', 'already-acknowledged']]);
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
});
