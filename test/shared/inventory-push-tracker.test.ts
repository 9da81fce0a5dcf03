import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { inventoryPushKeys } from '../../shared/keys.js';
import { InventoryPushTracker, type SkuOutcome } from '../../shared/inventory/push-tracker.js';

/** One summary per push, from whichever part ends last, on a real Redis. */
let redis: Redis;

beforeAll(() => {
  redis = new Redis(inject('redisUrl'));
});
afterAll(async () => {
  await redis.quit();
});

const scope = { clientId: '497', channelId: '21', bindingKey: 'default', receivedAt: '2026-11-30T00:00:00.000Z' };
const unknown = (sku: string): SkuOutcome => ({ sku, locationNumber: 1, result: 'unknown', status: 404, code: null, message: 'not found' });

function tracker(): { pushes: InventoryPushTracker; prefix: string } {
  const prefix = `{p${randomBytes(4).toString('hex')}}`;
  return { pushes: new InventoryPushTracker(redis, prefix, 60), prefix };
}

describe('InventoryPushTracker', () => {
  it('answers the summary to the part that ends last only, with every part\'s outcomes, and again until forgotten', async () => {
    const { pushes, prefix } = tracker();
    await pushes.start('p', 3, scope);
    await pushes.recordProgress('p', 'j1', 25, [unknown('A')]);
    await pushes.recordProgress('p', 'j2', 10, [unknown('B'), unknown('A')]);
    expect(await pushes.finishPart('p', 'j1')).toBeNull();
    // The same part ending twice (a re-run after its end was recorded) is still one part.
    expect(await pushes.finishPart('p', 'j1')).toBeNull();
    expect(await pushes.finishPart('p', 'j2')).toBeNull();
    const summary = await pushes.finishPart('p', 'j3');
    expect(summary).toMatchObject({ pushId: 'p', parts: 3, ...scope });
    expect(summary?.outcomes.map((outcome) => outcome.sku).sort()).toEqual(['A', 'B']);
    expect(await pushes.finishPart('p', 'j3')).not.toBeNull();
    await pushes.forget('p');
    expect(await pushes.finishPart('p', 'j3')).toBeNull();
    expect(await redis.exists(...Object.values(inventoryPushKeys(prefix, 'p')))).toBe(0);
  });

  it('tells a retried part where to resume, and keeps every key under the TTL', async () => {
    const { pushes, prefix } = tracker();
    await pushes.start('q', 1, scope);
    expect(await pushes.resumeAt('q', 'j1')).toBe(0);
    await pushes.recordProgress('q', 'j1', 50, [unknown('C')]);
    expect(await pushes.resumeAt('q', 'j1')).toBe(50);
    const keys = inventoryPushKeys(prefix, 'q');
    for (const key of [keys.state, keys.progress, keys.outcomes]) expect(await redis.ttl(key)).toBeGreaterThan(0);
  });

  it('reports nothing for a push it does not know (expired, or already reported)', async () => {
    const { pushes } = tracker();
    expect(await pushes.finishPart('gone', 'j1')).toBeNull();
  });
});
