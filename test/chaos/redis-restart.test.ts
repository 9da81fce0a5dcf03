import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort, startRedisServer, type RunningRedisServer } from '../../scripts/redis-server.js';
import { postJson } from '../harness/http.js';
import { eventually, settled, startStack, TEST_TOKEN, type Stack } from '../harness/stack.js';

/**
 * Redis killed (SIGKILL, no clean shutdown) and restarted in the middle of a load, with the embedded default's
 * persistence (appendonly yes, appendfsync always): no webhook that got a 200 is lost; calls made while Redis is
 * down get 503 with Retry-After; the ingress and the workers reconnect by themselves.
 */
const ORDERS = 120;
let redis: RunningRedisServer;
let stack: Stack;
let port: number;
let dataDir: string;

beforeAll(async () => {
  port = await freePort();
  dataDir = mkdtempSync(join(tmpdir(), 'rob-aof-'));
  redis = await startRedisServer({ port, dataDir });
  // Jobs active when Redis dies lose their locks; short locks let them be taken back quickly.
  stack = await startStack({ redisUrl: redis.url, env: { WORKER_LOCK_DURATION_MS: '2000', WORKER_STALLED_INTERVAL_MS: '1000' } });
});
afterAll(async () => {
  await stack?.close().catch(() => undefined);
  await redis?.stop();
});

describe('Redis crash and restart under load', () => {
  it('every acknowledged webhook is processed once; outage calls get 503 + Retry-After', async () => {
    const orders = Array.from({ length: ORDERS }, (_, index) => `R${index}`);
    for (const order of orders) {
      await stack.sandbox.createOrder({ orderNumber: order, createdAt: '2022-03-01T00:00:00.000Z', items: [{ sku: 'S', itemUnitPrice: 1, orderedQuantity: 1 }], orderTotal: 1 });
    }
    const acknowledged = new Set<string>();
    const refused: Response[] = [];
    // RetailOPS' side: send each cancel, retrying after a 503 as told, until it is acknowledged.
    const deliver = async (order: string) => {
      for (;;) {
        const response = await postJson(stack.ingressUrl, '/order_cancel', { data: { channel: { id: 21 }, order: { channel_refnum: order } } }, { bearer: TEST_TOKEN }).catch(() => null);
        if (response?.status === 200) {
          acknowledged.add(order);
          return;
        }
        if (response) refused.push(response);
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    };
    const load = (async () => {
      for (let index = 0; index < orders.length; index += 10) await Promise.all(orders.slice(index, index + 10).map(deliver));
    })();

    await eventually('part of the load acknowledged', async () => (acknowledged.size >= 30 ? true : undefined));
    await redis.stop('SIGKILL');
    await eventually('calls refused while Redis is down', async () => (refused.length >= 3 ? true : undefined));
    redis = await startRedisServer({ port, dataDir });
    await load;

    expect(acknowledged.size).toBe(ORDERS);
    for (const response of refused) {
      expect(response.status).toBe(503);
      expect(response.headers.get('retry-after')).toBe('5');
    }
    await settled(stack, 60_000);
    const cancelled = (await stack.sandbox.calls()).filter((call) => call.kind === 'cancel' && call.status === 200).map((call) => call.orderNumber);
    expect(cancelled.sort()).toEqual([...orders].sort());
  }, 120_000);
});
