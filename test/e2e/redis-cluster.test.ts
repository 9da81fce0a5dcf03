import { Cluster } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { postJson } from '../harness/http.js';
import { startRedisCluster, type LocalCluster } from '../harness/redis-cluster.js';
import { settled, startStack, TEST_TOKEN, type Stack } from '../harness/stack.js';

/** On a three-master Redis Cluster (hash-tagged prefix): a cancel end to end, and its failure event. */
let cluster: LocalCluster;
let stack: Stack;

beforeAll(async () => {
  cluster = await startRedisCluster();
  stack = await startStack({ redisUrl: cluster.url, redisCluster: true });
}, 60_000);
afterAll(async () => {
  await stack?.close();
  await cluster?.stop();
});

describe('Redis Cluster', () => {
  it('runs a cancel end to end and reports a failure as an event', async () => {
    expect(stack.redis).toBeInstanceOf(Cluster);
    expect(String(await (stack.redis as Cluster).cluster('INFO'))).toContain('cluster_size:3');
    const ok = await postJson(stack.ingressUrl, '/order_cancel', { data: { channel: { id: 21 }, order: { channel_refnum: 496 } } }, { bearer: TEST_TOKEN });
    expect(ok.status).toBe(200);
    await postJson(stack.ingressUrl, '/order_cancel', { data: { channel: { id: 21 }, order: { channel_refnum: 999 } } }, { bearer: TEST_TOKEN });
    await settled(stack);
    const calls = (await stack.sandbox.calls()).filter((call) => call.kind === 'cancel');
    expect(calls.map((call) => [call.orderNumber, call.status])).toEqual([['496', 200]]);
    const next = await postJson(stack.ingressUrl, '/order_cancel', { data: { channel: { id: 21 }, order: { channel_refnum: 'x' } } }, { bearer: TEST_TOKEN });
    expect(((await next.json()) as { events: { error_code: string }[] }).events).toEqual([expect.objectContaining({ error_code: 'ORDER_NOT_FOUND' })]);
    expect((await fetch(`${stack.ingressUrl}/metrics`)).status).toBe(200);
  });
});
