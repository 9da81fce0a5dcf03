import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Job } from 'bullmq';
import { FabricClient } from '../../shared/fabric/client.js';
import { createHttpTransport } from '../../shared/fabric/http.js';
import { postJson } from '../harness/http.js';
import { spawnWorker, waitForLine, workerEnv, type WorkerProcess } from '../harness/processes.js';
import { eventually, settled, startStack, TEST_TOKEN, type Stack } from '../harness/stack.js';
import { ops } from '../ops/helpers.js';

/**
 * Faults beyond one crash (issue 12): a job whose workers die twice, a worker frozen past its lock that wakes up
 * holding a stale read, and a change whose answer is lost. Real worker processes, a real Redis, the sandbox over HTTP.
 */
let stack: Stack;
const workers: WorkerProcess[] = [];
const LOCKS = { WORKER_LOCK_DURATION_MS: '1500', WORKER_STALLED_INTERVAL_MS: '1000', FABRIC_TIMEOUT_MS: '30000' };

beforeAll(async () => {
  stack = await startStack({ workers: false });
});
afterEach(async () => {
  for (const worker of workers.splice(0)) worker.kill('SIGKILL');
  await stack.sandbox.clearFaults();
  await stack.reset();
});
afterAll(async () => stack?.close());

function start(extra: Record<string, string> = {}): WorkerProcess {
  const worker = spawnWorker(workerEnv(stack, { ...LOCKS, ...extra }));
  workers.push(worker);
  return worker;
}

async function kill(worker: WorkerProcess): Promise<void> {
  worker.kill('SIGKILL');
  await worker.exited;
}

const channel = { id: 21 };

async function cancel(order: string): Promise<void> {
  const response = await postJson(stack.ingressUrl, '/order_cancel', { data: { channel, order: { channel_refnum: order } } }, { bearer: TEST_TOKEN });
  expect(response.status).toBe(200);
}

/** The events RetailOPS is handed with its next answer, as an order fetch (GET /orders) delivers them: code and order. */
async function pendingEvents(): Promise<[string, string][]> {
  const query = new URLSearchParams({ 'data[channel][id]': '21', 'data[max_page_size]': '1' });
  const response = await fetch(`${stack.ingressUrl}/orders?${query.toString()}`, { headers: { authorization: `Bearer ${TEST_TOKEN}` } });
  expect(response.status).toBe(200);
  const body = (await response.json()) as { events: { secondary: { id: string }; data: { code: string } }[] };
  return body.events.map((event) => [event.data.code, event.secondary.id]);
}

async function onlyJob(queue: 'cancel' | 'update'): Promise<Job> {
  const [job] = await stack.queues[queue].getJobs(['waiting', 'active', 'delayed', 'completed', 'failed']);
  if (!job) throw new Error(`no ${queue} job`);
  return job;
}

/** Until the job is running again after `stalls` take-backs. */
async function activeAfterStalls(queue: 'cancel' | 'update', stalls: number): Promise<void> {
  await eventually(
    `the job active after ${stalls} stall(s)`,
    async () => {
      const job = await onlyJob(queue);
      const fresh = await stack.queues[queue].getJob(job.id ?? '');
      return fresh && fresh.stalledCounter === stalls && (await fresh.getState()) === 'active' ? true : undefined;
    },
    20_000,
  );
}

async function openOrder(orderNumber: string, lines: { sku: string; quantity: number; shipped?: number }[]): Promise<void> {
  await stack.sandbox.createOrder({
    orderNumber,
    createdAt: '2022-05-01T00:00:00.000Z',
    items: lines.map((line, index) => ({
      lineItemId: `${orderNumber}-${index + 1}`,
      sku: line.sku,
      itemUnitPrice: 10,
      orderedQuantity: line.quantity,
      ...(line.shipped ? { shippedQuantity: line.shipped } : {}),
    })),
    orderTotal: lines.reduce((total, line) => total + 10 * line.quantity, 0),
  });
}

describe('a job whose workers die twice', () => {
  it('runs a third time and takes effect once (the stall policy allows WORKER_MAX_STALLS, default 3)', async () => {
    await openOrder('S1', [{ sku: 'A', quantity: 2 }]);
    await stack.sandbox.setFaults({ latencyMs: 3000 });
    const first = start();
    await waitForLine(first, 'workers running');
    await cancel('S1');
    await activeAfterStalls('cancel', 0);
    await new Promise((resolve) => setTimeout(resolve, 1000));
    await kill(first);
    start();
    await activeAfterStalls('cancel', 1);
    await kill(workers[1] as WorkerProcess);
    const third = start();
    await eventually('the cancel done', async () => ((await onlyJob('cancel')).finishedOn ? true : undefined), 30_000);

    const job = await onlyJob('cancel');
    expect(await job.getState()).toBe('completed');
    expect(job.stalledCounter).toBe(2);
    const cancels = (await stack.sandbox.calls()).filter((call) => call.kind === 'cancel');
    expect(cancels.map((call) => [call.orderNumber, call.status])).toEqual([['S1', 200]]);
    expect((await stack.sandbox.getOrder('S1'))?.statusCode).toBe('ORDER_CANCELLED');
    expect(third.lines.some((line) => line['msg'] === 'job done')).toBe(true);
    await stack.sandbox.clearFaults();
    expect(await pendingEvents()).toEqual([]);
  }, 90_000);

  it('past WORKER_MAX_STALLS it fails with a JOB_STALLED event, visible to operators, and a retry runs it afresh', async () => {
    await openOrder('S2', [{ sku: 'A', quantity: 2 }]);
    await stack.sandbox.setFaults({ latencyMs: 3000 });
    const env = { WORKER_MAX_STALLS: '1' };
    const first = start(env);
    await waitForLine(first, 'workers running');
    await cancel('S2');
    await activeAfterStalls('cancel', 0);
    await kill(first);
    const second = start(env);
    await activeAfterStalls('cancel', 1);
    await kill(second);
    const third = start(env);
    await eventually('the job failed', async () => ((await stack.queues.cancel.getFailedCount()) === 1 ? true : undefined), 30_000);
    await stack.sandbox.clearFaults();

    const job = await onlyJob('cancel');
    expect(job.failedReason).toMatch(/^JOB_STALLED: the job was taken back 2 times/);
    expect(third.lines.some((line) => line['msg'] === 'job failed for good' && line['code'] === 'JOB_STALLED')).toBe(true);
    expect((await stack.sandbox.calls()).filter((call) => call.kind === 'cancel')).toEqual([]);
    expect(await pendingEvents()).toEqual([['JOB_STALLED', 'S2']]);

    // The operator checks fabric (nothing happened) and retries: the stall count starts again, the cancel runs.
    const retry = await ops(stack, ['failed', 'retry', job.id ?? '']);
    expect(retry.code).toBe(0);
    await eventually('the retried cancel done', async () => ((await stack.sandbox.getOrder('S2'))?.statusCode === 'ORDER_CANCELLED' ? true : undefined), 20_000);
    await settled(stack, 20_000);
    expect(await (await onlyJob('cancel')).getState()).toBe('completed');
  }, 90_000);
});

describe('a worker frozen past its lock', () => {
  it('wakes up, finds the job is no longer its own, and sends nothing: one item cancel, not two', async () => {
    await openOrder('P1', [{ sku: 'A', quantity: 3 }]);
    await stack.sandbox.setFaults({ latencyMs: 2000 });
    const frozen = [start(), start()];
    await Promise.all(frozen.map((worker) => waitForLine(worker, 'workers running')));
    const update = await postJson(stack.ingressUrl, '/order_update', { data: { channel, order: { channel_refnum: 'P1' }, line_items: [{ sku: 'A', quantity: 2 }] } }, { bearer: TEST_TOKEN });
    expect(update.status).toBe(200);
    await activeAfterStalls('update', 0);
    await new Promise((resolve) => setTimeout(resolve, 1000));
    for (const worker of frozen) worker.kill('SIGSTOP');
    const rescuer = start();
    await eventually('the update done by the third worker', async () => ((await onlyJob('update')).finishedOn ? true : undefined), 30_000);
    expect(rescuer.lines.some((line) => line['msg'] === 'job done')).toBe(true);
    for (const worker of frozen) worker.kill('SIGCONT');
    // The woken worker reads its stale answer, plans the same cancel, and is stopped by the fence (without the fence
    // it sent that cancel: a second unit gone).
    const stopped = (worker: WorkerProcess) => worker.lines.some((line) => line['msg'] === 'job lock lost: this attempt stops without changing fabric; the job runs again under its new lock');
    await eventually(
      'the woken worker to stop or act',
      async () => (frozen.some(stopped) || (await stack.sandbox.calls()).filter((call) => call.kind === 'cancel').length > 1 ? true : undefined),
      20_000,
    );
    await stack.sandbox.clearFaults();

    const cancels = (await stack.sandbox.calls()).filter((call) => call.kind === 'cancel');
    expect(cancels.map((call) => [call.status, (call.body as { items: { quantity: number }[] }).items[0]?.quantity])).toEqual([[200, 1]]);
    expect((await stack.sandbox.getOrder('P1'))?.items[0]?.cancelledQuantity).toBe(1);
    expect(await (await onlyJob('update')).getState()).toBe('completed');
    expect(await pendingEvents()).toEqual([]);
  }, 90_000);
});

describe('a change whose answer was lost', () => {
  it('a whole-order cancel that left a shipped line is a success on retry, with its partial warning, not ORDER_NOT_CANCELLABLE', async () => {
    await openOrder('L1', [
      { sku: 'A', quantity: 2 },
      { sku: 'B', quantity: 1, shipped: 1 },
    ]);
    const worker = start({ JOB_BACKOFF_MS: '200' });
    await waitForLine(worker, 'workers running');
    await stack.sandbox.setFaults({ loseNextChanges: 1 });
    await cancel('L1');
    await eventually('the cancel done', async () => ((await onlyJob('cancel')).finishedOn ? true : undefined), 20_000);

    const job = await onlyJob('cancel');
    expect(await job.getState()).toBe('completed');
    expect(job.attemptsMade).toBe(2); // the attempt whose answer was lost, then the one that recognised its effect
    const cancels = (await stack.sandbox.calls()).filter((call) => call.kind === 'cancel');
    // One cancel, which took effect (the ledger records fabric's answer; the caller got a 503 instead): none repeated.
    expect(cancels.map((call) => call.status)).toEqual([200]);
    expect((await stack.sandbox.getOrder('L1'))?.statusCode).toBe('ORDER_SHIPPED');
    expect(await pendingEvents()).toEqual([['ORDER_PARTIALLY_CANCELLED', 'L1']]);
  }, 60_000);

  it('an update whose answer was lost, then changed in fabric before the retry, is recognised by its mark, not re-planned', async () => {
    await openOrder('L2', [{ sku: 'A', quantity: 4 }]);
    const worker = start({ JOB_BACKOFF_MS: '3000' });
    await waitForLine(worker, 'workers running');
    await stack.sandbox.setFaults({ loseNextChanges: 1 });
    const update = await postJson(stack.ingressUrl, '/order_update', { data: { channel, order: { channel_refnum: 'L2' }, line_items: [{ sku: 'A', quantity: 2 }] } }, { bearer: TEST_TOKEN });
    expect(update.status).toBe(200);
    await eventually('the update applied, its answer lost', async () => ((await stack.sandbox.calls()).some((call) => call.kind === 'cancel') ? true : undefined));

    // Before the retry, the merchant cancels one more unit in fabric itself (another client of fabric's API).
    const config = stack.config.channels[0]?.fabric;
    if (!config) throw new Error('no fabric settings');
    const transport = createHttpTransport();
    const merchant = new FabricClient({ settings: config, timeoutMs: 5000, transport: transport.send });
    const order = await merchant.getOrderByNumber('L2', { requestId: 'merchant-read' });
    const line = order?.items[0];
    if (!line) throw new Error('no line');
    await merchant.cancelOrder('L2', { reasonCode: 'CUSTOMER_CALLED', source: 'CSR', items: [{ lineItemId: line.lineItemId, itemUnitNumber: 2, quantity: 1, reasonCode: 'CUSTOMER_CALLED' }] }, { requestId: 'merchant-cancel' });
    await transport.close();

    await eventually('the update done', async () => ((await onlyJob('update')).finishedOn ? true : undefined), 20_000);
    const job = await onlyJob('update');
    expect(await job.getState()).toBe('completed');
    expect(job.returnvalue).toMatchObject({ outcome: 'already-applied' });
    expect((await stack.sandbox.getOrder('L2'))?.items[0]?.cancelledQuantity).toBe(3);
    expect(await pendingEvents()).toEqual([]);
  }, 60_000);
});
