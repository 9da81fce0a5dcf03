import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { postJson } from '../harness/http.js';
import { spawnWorker, waitForLine, workerEnv, type WorkerProcess } from '../harness/processes.js';
import { eventually, settled, startStack, TEST_TOKEN, type Stack } from '../harness/stack.js';

/** SIGTERM: a worker finishes its active jobs within SHUTDOWN_TIMEOUT_MS and exits 0; past it, the job is retried. */
let stack: Stack;
const workers: WorkerProcess[] = [];

beforeAll(async () => {
  stack = await startStack({ workers: false });
});
afterAll(async () => {
  for (const worker of workers) worker.kill('SIGKILL');
  await stack?.close();
});
beforeEach(async () => stack.reset());

async function activeCancel(): Promise<void> {
  await eventually('the cancel job to be active', async () => ((await stack.queues.cancel.getActiveCount()) === 1 ? true : undefined));
}

function cancel(order: string) {
  return postJson(stack.ingressUrl, '/order_cancel', { data: { channel: { id: 21 }, order: { channel_refnum: order } } }, { bearer: TEST_TOKEN });
}

describe('worker shutdown on SIGTERM', () => {
  it('finishes the active job, then exits 0', async () => {
    const worker = spawnWorker(workerEnv(stack, { SHUTDOWN_TIMEOUT_MS: '10000' }));
    workers.push(worker);
    await waitForLine(worker, 'workers running');
    await stack.sandbox.setFaults({ latencyMs: 800 });
    await cancel('497');
    await activeCancel();
    worker.kill('SIGTERM');
    expect(await worker.exited).toBe(0);
    await stack.sandbox.clearFaults();
    expect(await stack.queues.cancel.getCompletedCount()).toBe(1);
    expect((await stack.sandbox.calls()).filter((call) => call.kind === 'cancel')).toHaveLength(1);
  });

  it('past SHUTDOWN_TIMEOUT_MS it exits 0 anyway and another worker takes the job back', async () => {
    const env = workerEnv(stack, { SHUTDOWN_TIMEOUT_MS: '300', WORKER_LOCK_DURATION_MS: '1500', WORKER_STALLED_INTERVAL_MS: '1000' });
    const first = spawnWorker(env);
    workers.push(first);
    await waitForLine(first, 'workers running');
    await stack.sandbox.setFaults({ latencyMs: 5000 });
    await cancel('498');
    await activeCancel();
    first.kill('SIGTERM');
    expect(await first.exited).toBe(0);
    expect(first.lines.some((line) => String(line['msg']).includes('did not finish in time'))).toBe(true);
    await stack.sandbox.clearFaults();
    const second = spawnWorker(env);
    workers.push(second);
    await settled(stack, 30_000);
    expect(await stack.queues.cancel.getCompletedCount()).toBe(1);
    expect((await stack.sandbox.calls()).filter((call) => call.kind === 'cancel' && call.status === 200)).toHaveLength(1);
  }, 60_000);
});
