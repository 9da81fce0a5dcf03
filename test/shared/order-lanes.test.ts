import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { laneKey } from '../../shared/keys.js';
import { OrderLanes, laneEntry, type JobLiveness, type LaneEntry } from '../../shared/order-lanes.js';

/** Per-order lanes on a real Redis: a job runs only at the head of its order's lane, and a lane never sticks. */
let redis: Redis;

beforeAll(() => {
  redis = new Redis(inject('redisUrl'));
});
afterAll(async () => {
  await redis.quit();
});

const BINDING = '497/21';
const REFNUM = 'R:1 2';
const first: LaneEntry = { queue: 'update', jobId: 'a' };
// An entry splits at its first '/', so a job id may hold one too.
const second: LaneEntry = { queue: 'cancel', jobId: 'b/x' };
const third: LaneEntry = { queue: 'return', jobId: 'c' };

/** Every job live unless named dead. */
function liveExcept(...dead: LaneEntry[]): JobLiveness {
  const gone = new Set(dead.map(laneEntry));
  return async (entry) => !gone.has(laneEntry(entry));
}

/** Lanes under a prefix of their own, and the one lane the tests use. */
function lanes(): { lane: OrderLanes; key: string; contents: () => Promise<string[]> } {
  const prefix = `{l${randomBytes(4).toString('hex')}}`;
  const key = laneKey(prefix, BINDING, REFNUM);
  return { lane: new OrderLanes(redis, prefix), key, contents: () => redis.lrange(key, 0, -1) };
}

describe('OrderLanes', () => {
  it('lets only the head run, in the order the jobs joined, and the next once the head leaves', async () => {
    const { lane, contents } = lanes();
    for (const entry of [first, second, third]) await lane.join({ family: 'order', bindingKey: BINDING, id: REFNUM }, entry);
    expect(await contents()).toEqual(['update/a', 'cancel/b/x', 'return/c']);

    expect(await lane.isTurn({ family: 'order', bindingKey: BINDING, id: REFNUM }, first, liveExcept())).toBe(true);
    expect(await lane.isTurn({ family: 'order', bindingKey: BINDING, id: REFNUM }, second, liveExcept())).toBe(false);
    expect(await lane.isTurn({ family: 'order', bindingKey: BINDING, id: REFNUM }, third, liveExcept())).toBe(false);

    await lane.leave({ family: 'order', bindingKey: BINDING, id: REFNUM }, first);
    expect(await lane.isTurn({ family: 'order', bindingKey: BINDING, id: REFNUM }, third, liveExcept())).toBe(false);
    expect(await lane.isTurn({ family: 'order', bindingKey: BINDING, id: REFNUM }, second, liveExcept())).toBe(true);
    expect(await contents()).toEqual(['cancel/b/x', 'return/c']);
  });

  it('keeps orders apart: another order of the binding has its own lane', async () => {
    const { lane } = lanes();
    await lane.join({ family: 'order', bindingKey: BINDING, id: REFNUM }, first);
    await lane.join({ family: 'order', bindingKey: BINDING, id: 'R2' }, second);
    expect(await lane.isTurn({ family: 'order', bindingKey: BINDING, id: 'R2' }, second, liveExcept())).toBe(true);
  });

  it('drops a dead head (a finished or removed job), and only that head', async () => {
    const { lane, contents } = lanes();
    for (const entry of [first, second, third]) await lane.join({ family: 'order', bindingKey: BINDING, id: REFNUM }, entry);
    expect(await lane.isTurn({ family: 'order', bindingKey: BINDING, id: REFNUM }, third, liveExcept(first))).toBe(false);
    expect(await contents()).toEqual(['cancel/b/x', 'return/c']);
    expect(await lane.isTurn({ family: 'order', bindingKey: BINDING, id: REFNUM }, third, liveExcept(first, second))).toBe(true);
    expect(await contents()).toEqual(['return/c']);
  });

  it('drops a head it cannot read as a job', async () => {
    const { lane, key, contents } = lanes();
    await lane.join({ family: 'order', bindingKey: BINDING, id: REFNUM }, first);
    await redis.lpush(key, 'no-slash');
    expect(await lane.isTurn({ family: 'order', bindingKey: BINDING, id: REFNUM }, first, liveExcept())).toBe(true);
    expect(await contents()).toEqual(['update/a']);
  });

  it('joins a job missing from its lane at the tail, once, and an empty lane at once', async () => {
    const { lane, contents } = lanes();
    expect(await lane.isTurn({ family: 'order', bindingKey: BINDING, id: REFNUM }, first, liveExcept())).toBe(true);
    expect(await contents()).toEqual(['update/a']);

    await lane.join({ family: 'order', bindingKey: BINDING, id: REFNUM }, second);
    expect(await lane.isTurn({ family: 'order', bindingKey: BINDING, id: REFNUM }, third, liveExcept())).toBe(false);
    expect(await lane.isTurn({ family: 'order', bindingKey: BINDING, id: REFNUM }, third, liveExcept())).toBe(false);
    expect(await contents()).toEqual(['update/a', 'cancel/b/x', 'return/c']);
  });

  it('leave removes every occurrence (a redelivered webhook joins the same job twice)', async () => {
    const { lane, key, contents } = lanes();
    for (const entry of [first, second, first]) await lane.join({ family: 'order', bindingKey: BINDING, id: REFNUM }, entry);
    await lane.leave({ family: 'order', bindingKey: BINDING, id: REFNUM }, first);
    expect(await contents()).toEqual(['cancel/b/x']);
    await lane.leave({ family: 'order', bindingKey: BINDING, id: REFNUM }, second);
    expect(await redis.exists(key)).toBe(0);
  });
});
