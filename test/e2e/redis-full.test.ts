import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort, startRedisServer, type RunningRedisServer } from '../../scripts/redis-server.js';
import { postJson } from '../harness/http.js';
import { startStack, TEST_TOKEN, type Stack } from '../harness/stack.js';

/**
 * A full Redis (maxmemory reached, `noeviction`) refuses writes: the ingress answers 503 with Retry-After, never a
 * 200, so RetailOPS retries; once memory is freed the same call is accepted. Its own redis-server, because the test
 * changes maxmemory.
 */
let redis: RunningRedisServer;
let stack: Stack;

beforeAll(async () => {
  redis = await startRedisServer({ port: await freePort(), dataDir: null });
  stack = await startStack({ redisUrl: redis.url, workers: false });
});
afterAll(async () => {
  await stack?.close().catch(() => undefined);
  await redis?.stop();
});

function cancel(refnum: string): Promise<Response> {
  return postJson(stack.ingressUrl, '/order_cancel', { data: { channel: { id: 21 }, order: { channel_refnum: refnum } } }, { bearer: TEST_TOKEN });
}

describe('a full Redis', () => {
  it('answers 503 with Retry-After and stores nothing; accepts again once there is room', async () => {
    expect(String(await stack.redis.config('GET', 'maxmemory-policy'))).toContain('noeviction');
    expect((await cancel('F1')).status).toBe(200);

    await stack.redis.config('SET', 'maxmemory', '1');
    try {
      const refused = await cancel('F2');
      expect(refused.status).toBe(503);
      expect(refused.headers.get('retry-after')).toMatch(/^\d+$/);
      expect(await refused.json()).toEqual({ code: 'ROB_QUEUE_UNAVAILABLE', error: expect.stringContaining('the job queue is full') });
    } finally {
      await stack.redis.config('SET', 'maxmemory', '0');
    }
    expect(await stack.queues.cancel.getJobCountByTypes('waiting')).toBe(1);

    expect((await cancel('F2')).status).toBe(200);
    expect(await stack.queues.cancel.getJobCountByTypes('waiting')).toBe(2);
  });
});
