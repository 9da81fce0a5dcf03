import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort, startRedisServer, type RunningRedisServer } from '../../scripts/redis-server.js';
import { eventually, startStack, TEST_TOKEN, type Stack } from '../harness/stack.js';
import { postJson, seedFixture, fixtureBody } from '../harness/http.js';

/** With Redis unreachable the ingress answers 503 with Retry-After at once, never a 200; it recovers by itself. */
let redis: RunningRedisServer;
let stack: Stack;
let port: number;

beforeAll(async () => {
  port = await freePort();
  redis = await startRedisServer({ port, dataDir: null });
  stack = await startStack({ redisUrl: redis.url, workers: false });
});
afterAll(async () => {
  await stack?.close().catch(() => undefined);
  await redis?.stop();
});

describe('Redis outage', () => {
  it('503 with Retry-After while Redis is down, 200 again once it is back', async () => {
    const body = fixtureBody(seedFixture('001-order-cancel'));
    expect((await postJson(stack.ingressUrl, '/order_cancel', body, { bearer: TEST_TOKEN })).status).toBe(200);

    await redis.stop();
    const response = await eventually('a 503', async () => {
      const attempt = await postJson(stack.ingressUrl, '/order_cancel', body, { bearer: TEST_TOKEN });
      return attempt.status === 503 ? attempt : undefined;
    });
    expect(response.headers.get('retry-after')).toBe('5');
    expect(await response.json()).toMatchObject({ code: 'ROB_QUEUE_UNAVAILABLE' });
    expect((await fetch(`${stack.ingressUrl}/readyz`)).status).toBe(503);
    expect((await fetch(`${stack.ingressUrl}/healthz`)).status).toBe(200);
    const statuses = await Promise.all(
      Array.from({ length: 20 }, async () => (await postJson(stack.ingressUrl, '/order_cancel', body, { bearer: TEST_TOKEN })).status),
    );
    expect(new Set(statuses)).toEqual(new Set([503]));

    redis = await startRedisServer({ port, dataDir: null });
    await eventually('the ingress to accept again', async () => {
      const attempt = await postJson(stack.ingressUrl, '/order_cancel', body, { bearer: TEST_TOKEN });
      return attempt.status === 200 ? true : undefined;
    }, 20_000);
    expect(await stack.queues.cancel.getWaitingCount()).toBe(1);
  });
});
