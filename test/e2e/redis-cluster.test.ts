import { Cluster } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { postJson } from '../harness/http.js';
import { startRedisCluster, type LocalCluster } from '../harness/redis-cluster.js';
import { settled, startStack, TEST_TOKEN, type Stack } from '../harness/stack.js';
import { runCli } from '../../scripts/ops/cli.js';
import { bufferOutput } from '../../scripts/ops/lib/core.js';

/** On a three-master Redis Cluster (hash-tagged prefix): a cancel end to end, its failure event, the operator CLI. */
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
    // Held while both are answered, so that the second response does not carry the first one's event.
    await stack.queues.cancel.pause();
    const ok = await postJson(stack.ingressUrl, '/order_cancel', { data: { channel: { id: 21 }, order: { channel_refnum: 496 } } }, { bearer: TEST_TOKEN });
    expect(ok.status).toBe(200);
    await postJson(stack.ingressUrl, '/order_cancel', { data: { channel: { id: 21 }, order: { channel_refnum: 999 } } }, { bearer: TEST_TOKEN });
    await stack.queues.cancel.resume();
    await settled(stack);
    const calls = (await stack.sandbox.calls()).filter((call) => call.kind === 'cancel');
    expect(calls.map((call) => [call.orderNumber, call.status])).toEqual([['496', 200]]);
    const next = await postJson(stack.ingressUrl, '/order_cancel', { data: { channel: { id: 21 }, order: { channel_refnum: 'x' } } }, { bearer: TEST_TOKEN });
    // 496 has a shipped line: its cancel is partial and says so; 999 fails. The two jobs ran side by side, so
    // either event may be the older.
    const events = ((await next.json()) as { events: { error_code: string }[] }).events;
    expect(events.map((event) => event.error_code).sort()).toEqual(['ORDER_NOT_FOUND', 'ORDER_PARTIALLY_CANCELLED']);
    expect((await fetch(`${stack.ingressUrl}/metrics`)).status).toBe(200);
  });

  it('the operator CLI works on the cluster: queues, failed list and discard, events list and clear, inbox list', async () => {
    const ops = async (...argv: string[]) => {
      const output = bufferOutput();
      // As an operator runs it: its own connection from the services' environment (REDIS_CLUSTER=true).
      const code = await runCli([...argv, '--json'], { env: { ...stack.env }, output });
      return { code, json: <T>() => output.json<T>(), stderr: output.stderr.join('\n') };
    };
    expect(stack.env['REDIS_CLUSTER']).toBe('true');
    // A clean start: the first test's last cancel (of 'x') may have left its failure event pending.
    await settled(stack);
    expect((await ops('events', 'clear', '--client', 'default', '--channel', '21')).code).toBe(0);
    // Held while the webhook is answered, so that its failure event stays pending for the CLI to see.
    await stack.queues.cancel.pause();
    await postJson(stack.ingressUrl, '/order_cancel', { data: { channel: { id: 21 }, order: { channel_refnum: 998 } } }, { bearer: TEST_TOKEN });
    await stack.queues.cancel.resume();
    await settled(stack);

    const queues = await ops('queues');
    expect(queues.code, queues.stderr).toBe(0);
    expect(queues.json<{ queues: { queue: string; counts: { failed: number } }[] }>().queues.find((report) => report.queue === 'cancel')?.counts.failed).toBeGreaterThanOrEqual(1);
    const failed = await ops('failed', 'list', '--order', '998');
    const [job] = failed.json<{ jobs: { id: string }[] }>().jobs;
    expect(job?.id).toMatch(/^cancel-/);
    expect((await ops('events', 'list')).json()).toEqual({ scopes: [{ clientId: 'default', channelId: '21', pending: 1 }] });
    const inbox = await ops('inbox', 'list');
    expect(inbox.code, inbox.stderr).toBe(0);
    expect(inbox.json<{ bindings: { binding: string }[] }>().bindings.map((binding) => binding.binding)).toContain('default');

    expect((await ops('failed', 'discard', job?.id ?? '')).code).toBe(0);
    expect(await stack.queues.cancel.getJob(job?.id ?? '')).toBeUndefined();
    const cleared = await ops('events', 'clear', '--client', 'default', '--channel', '21');
    expect(cleared.code, cleared.stderr).toBe(0);
    expect((await ops('events', 'list')).json()).toEqual({ scopes: [] });
  });
});
