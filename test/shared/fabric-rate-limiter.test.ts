import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { FabricRateLimiter } from '../../shared/fabric/rate-limiter.js';

/**
 * The fabric call budget on a real Redis, shared by two limiters (two worker processes): calls start 1/perSecond
 * apart, so no one-second span, wherever it starts, holds more than perSecond + 1 of them. Fixed one-second
 * windows would let a window's quota through at its end and the next one's at the start of the next.
 */
let redis: Redis;

beforeAll(() => {
  redis = new Redis(inject('redisUrl'));
});
afterAll(async () => {
  await redis.quit();
});

describe('FabricRateLimiter', () => {
  it('spaces 30 calls from two workers at 10 per second: never 12 within a second', async () => {
    const perSecond = 10;
    const key = `{r${randomBytes(4).toString('hex')}}:fabric-rate`;
    const workers = [new FabricRateLimiter(redis, key, perSecond), new FabricRateLimiter(redis, key, perSecond)];
    // The slot each call was given: issued together, so `issued + wait` is the slot as Redis reserved it. (When the
    // sleeps end depends on the event loop: a busy machine can fire several late timers at once.)
    const issued = performance.now();
    const starts = await Promise.all(Array.from({ length: 30 }, async (_, index) => issued + ((await workers[index % 2]?.acquire()) ?? 0)));
    starts.sort((a, b) => a - b);
    for (let first = 0; first + perSecond + 1 < starts.length; first += 1) {
      const span = (starts[first + perSecond + 1] ?? 0) - (starts[first] ?? 0);
      expect(span, `${perSecond + 2} calls given slots within ${Math.round(span)} ms`).toBeGreaterThanOrEqual(1000 - 5);
    }
  });

  it('lets a call through at once when the budget is not in use, and queues the next ones behind it', async () => {
    const limiter = new FabricRateLimiter(redis, `{r${randomBytes(4).toString('hex')}}:fabric-rate`, 5);
    const waits = await Promise.all([limiter.acquire(), limiter.acquire(), limiter.acquire()]);
    // Reserved in turn: now, then one and two slots (200 ms each) later, less the time the round trips took.
    expect(waits.sort((a, b) => a - b)).toEqual([0, expect.any(Number), expect.any(Number)]);
    expect(waits[1]).toBeGreaterThan(150);
    expect(waits[2]).toBeGreaterThan(350);
  });

  it('admits a job in one round trip: a near slot is waited for, a far one is kept in the job marker and honoured', async () => {
    const prefix = `{r${randomBytes(4).toString('hex')}}`;
    const limiter = new FabricRateLimiter(redis, `${prefix}:admission`, 10);
    const marker = (job: string) => `${prefix}:admitted:${job}`;
    // 10 calls a second: a job of 5 calls moves the schedule on by 500 ms.
    expect(await limiter.admit(marker('a'), 5, 1000, 60_000)).toBe(0);
    const b = await limiter.admit(marker('b'), 5, 1000, 60_000);
    expect(b).toBeGreaterThan(400);
    expect(b).toBeLessThanOrEqual(500);
    expect(await redis.exists(marker('b'))).toBe(0);
    // Past the longest wait in place: the slot is kept for the job, which is told how far it is.
    await limiter.admit(marker('c'), 10, 1000, 60_000);
    const d = await limiter.admit(marker('d'), 5, 1000, 60_000);
    expect(d).toBeGreaterThan(1000);
    expect(await redis.exists(marker('d'))).toBe(1);
    // Back early, it is told the time left to the same slot and keeps it; the schedule does not move for it again.
    const again = await limiter.admit(marker('d'), 5, 100, 60_000);
    expect(again).toBeLessThanOrEqual(d);
    expect(again).toBeGreaterThan(d - 200);
    expect(await redis.exists(marker('d'))).toBe(1);
    // Close enough to wait in place: the marker is dropped.
    expect(await limiter.admit(marker('d'), 5, 5000, 60_000)).toBeLessThanOrEqual(d);
    expect(await redis.exists(marker('d'))).toBe(0);
    const next = await limiter.admit(marker('e'), 1, 60_000, 60_000);
    expect(next).toBeGreaterThanOrEqual(d);
  });
});
