import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sandboxFabricSettings } from '../../shared/config.js';
import type { LedgerEntry } from '../../sandbox/types.js';
import { postJson } from '../harness/http.js';
import { spawnWorker, waitForLine, workerEnv, type WorkerProcess } from '../harness/processes.js';
import { eventually, startStack, type Stack } from '../harness/stack.js';

/**
 * Two tenants on one deployment, two real worker processes. Tenant A has 2,000 cancels queued and a fabric budget of
 * 20 calls/s (each cancel is two calls: 10 cancels/s); tenant B sends 20 cancels meanwhile. B's cancels must finish
 * within BOUND_MS of what they take on a quiet system, A's drain at its budget, and nothing is lost or doubled.
 * Without admission (workers/admission.ts) every worker slot sleeps on A's budget; without the burst rule
 * (shared/jobs/burst-meter.ts) B's cancels queue behind A's 2,000: either way B waits minutes.
 */
const A_CANCELS = 2_000;
const B_CANCELS = 20;
const BUDGET = 20;
/** B's cancels with A's backlog, against the same on a quiet system: at most this much longer. */
const BOUND_MS = 5_000;

const TOKEN_A = 'tenant-a-token-0123456789';
const TOKEN_B = 'tenant-b-token-0123456789';

let stack: Stack;
const workers: WorkerProcess[] = [];

beforeAll(async () => {
  const channelsFile = join(mkdtempSync(join(tmpdir(), 'rob-fairness-')), 'channels.json');
  const writeChannels = (sandboxUrl: string) => {
    const binding = (clientId: string, channelId: string, token: string, tenantId: string) => ({
      clientId,
      channelId,
      tokens: [token],
      fabric: { ...sandboxFabricSettings(sandboxUrl, '12'), tenantId },
    });
    writeFileSync(channelsFile, JSON.stringify({ channels: [binding('101', '1', TOKEN_A, 'tenant-a'), binding('202', '2', TOKEN_B, 'tenant-b')] }));
    return { CHANNELS_FILE: channelsFile };
  };
  stack = await startStack({
    workers: false,
    env: { FABRIC_RATE_LIMIT_PER_SECOND: String(BUDGET), RATE_LIMIT_MAX: '0', WORKER_CONCURRENCY: '10', LOG_LEVEL: 'warn' },
    envFor: writeChannels,
  });
  for (let index = 0; index < 2; index += 1) workers.push(spawnWorker(workerEnv(stack, { LOG_LEVEL: 'info' })));
  await Promise.all(workers.map((worker) => waitForLine(worker, 'workers running')));
}, 60_000);

afterAll(async () => {
  for (const worker of workers) worker.kill('SIGKILL');
  await Promise.all(workers.map((worker) => worker.exited));
  await stack?.close();
}, 60_000);

async function createOrders(prefix: string, count: number): Promise<string[]> {
  const numbers = Array.from({ length: count }, (_, index) => `${prefix}${index}`);
  for (let start = 0; start < numbers.length; start += 100) {
    await Promise.all(
      numbers.slice(start, start + 100).map((orderNumber) =>
        stack.sandbox.createOrder({ orderNumber, createdAt: '2022-05-01T00:00:00.000Z', items: [{ sku: 'S', itemUnitPrice: 1, orderedQuantity: 1 }], orderTotal: 1 }),
      ),
    );
  }
  return numbers;
}

async function cancel(token: string, client: number, channel: number, orders: readonly string[]): Promise<void> {
  for (let start = 0; start < orders.length; start += 50) {
    const statuses = await Promise.all(
      orders.slice(start, start + 50).map(async (order) => {
        const response = await postJson(stack.ingressUrl, '/order_cancel_v1', {
          action: 'order_cancel',
          version: 1,
          client_id: client,
          channel_info: { id: channel },
          integration_auth_token: token,
          order: { channel_order_refnum: order },
        });
        return response.status;
      }),
    );
    expect(new Set(statuses)).toEqual(new Set([200]));
  }
}

const cancelsOf = (calls: readonly LedgerEntry[], orders: ReadonlySet<string>) =>
  calls.filter((call) => call.kind === 'cancel' && call.orderNumber !== null && orders.has(call.orderNumber));

/** B's cancels from the moment they were sent until fabric has seen all of them. */
async function timeB(orders: readonly string[]): Promise<number> {
  const wanted = new Set(orders);
  const sentAt = Date.now();
  await cancel(TOKEN_B, 202, 2, orders);
  const last = await eventually(
    "B's cancels",
    async () => {
      const seen = cancelsOf(await stack.sandbox.calls(), wanted);
      return seen.length >= orders.length ? Math.max(...seen.map((call) => Date.parse(call.at))) : undefined;
    },
    120_000,
  );
  return last - sentAt;
}

describe('tenant fairness', () => {
  it("one tenant's backlog over its budget does not hold up another tenant's cancels", async () => {
    const [ordersA, quietB, loadedB] = [await createOrders('FA-', A_CANCELS), await createOrders('FBQ-', B_CANCELS), await createOrders('FBL-', B_CANCELS)];
    const quietMs = await timeB(quietB);

    const enqueuedA = Date.now();
    await cancel(TOKEN_A, 101, 1, ordersA);
    const loadedMs = await timeB(loadedB);
    expect(loadedMs, `B took ${loadedMs} ms with A's backlog, ${quietMs} ms on a quiet system`).toBeLessThanOrEqual(quietMs + BOUND_MS);

    // A drains at its budget: over any 5 s, at most 1.1× its 20 calls a second (the tolerance the budget benchmark
    // holds the limiter to, bench/latency-bound.ts: the limiter spaces the calls' starts, the sandbox notes each as
    // it answers, and on two loaded cores answers come late or bunch; one-second windows read that as bursts), and
    // 10 cancels/s, not much less, over the stretch. The budget is on calls: a cancel's read and its cancel take separate slots, so cancels alone
    // may bunch for a moment (a job given back for a later admission slot and run late).
    await new Promise((resolve) => setTimeout(resolve, 10_000));
    const calls = await stack.sandbox.calls();
    const ofA = (path: string) => ordersA.some((order) => path.endsWith(`/order-number/${order}`) || path.includes(`/order-number/${order}/`));
    const callTimes = (await stack.sandbox.contractExchanges()).filter((exchange) => ofA(exchange.path)).map((exchange) => Date.parse(exchange.at)).sort((a, b) => a - b);
    const window = { ms: 5000, calls: Math.floor(5 * BUDGET * 1.1) };
    expect(callTimes.length).toBeGreaterThan(window.calls);
    for (let first = 0; first + window.calls < callTimes.length; first += 1) {
      expect((callTimes[first + window.calls] ?? 0) - (callTimes[first] ?? 0)).toBeGreaterThanOrEqual(window.ms);
    }
    const starts = cancelsOf(calls, new Set(ordersA)).map((call) => Date.parse(call.at)).sort((a, b) => a - b);
    const perSecond = BUDGET / 2;
    const seconds = ((starts.at(-1) ?? 0) - enqueuedA) / 1000;
    expect(starts.length / seconds, `${starts.length} of A's cancels in ${seconds} s`).toBeGreaterThan(perSecond * 0.7);

    // Nothing lost or doubled: every order cancelled at most once, B's all; A's not yet cancelled are still queued.
    const cancelled = calls.filter((call) => call.kind === 'cancel').map((call) => call.orderNumber);
    expect(cancelled.length).toBe(new Set(cancelled).size);
    expect(cancelsOf(calls, new Set([...quietB, ...loadedB]))).toHaveLength(2 * B_CANCELS);
    const counts = await stack.queues.cancel.getJobCounts('completed', 'failed', 'waiting', 'prioritized', 'delayed', 'active');
    expect(counts.failed).toBe(0);
    const pending = (counts.waiting ?? 0) + (counts.prioritized ?? 0) + (counts.delayed ?? 0) + (counts.active ?? 0);
    expect((counts.completed ?? 0) + pending).toBe(A_CANCELS + 2 * B_CANCELS);
  }, 240_000);
});
