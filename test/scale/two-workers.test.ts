import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import { sandboxFabricSettings } from '../../shared/config.js';
import { postJson } from '../harness/http.js';
import { eventually, startStack, TEST_TOKEN, type Stack } from '../harness/stack.js';

/**
 * Workers are stateless and scale by adding processes: two `tsx workers/main.ts` processes on one Redis share
 * the cancels of 60 orders, each job runs in exactly one of them, and fabric sees each cancel once.
 */
const ORDERS = 60;
const root = join(import.meta.dirname, '..', '..');
const tsx = join(root, 'node_modules', '.bin', 'tsx');

interface WorkerProcess {
  readonly name: string;
  readonly child: ChildProcess;
  readonly exited: Promise<void>;
  /** Every stdout line parsed as pino JSON (non-JSON lines are kept in `other`). */
  readonly lines: Record<string, unknown>[];
  readonly other: string[];
}

let stack: Stack;
const workers: WorkerProcess[] = [];

function spawnWorker(name: string, env: Record<string, string>): WorkerProcess {
  // Its own process group: tsx runs node as a child, and the group is what must be stopped, whatever happens.
  const child = spawn(tsx, ['workers/main.ts'], { cwd: root, env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  const worker: WorkerProcess = {
    name,
    child,
    exited: new Promise((resolve) => child.once('exit', () => resolve())),
    lines: [],
    other: [],
  };
  let pending = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    pending += chunk.toString();
    const complete = pending.split('\n');
    pending = complete.pop() ?? '';
    for (const line of complete) {
      if (line.trim() === '') continue;
      try {
        worker.lines.push(JSON.parse(line) as Record<string, unknown>);
      } catch {
        worker.other.push(line);
      }
    }
  });
  child.stderr?.on('data', (chunk: Buffer) => void worker.other.push(chunk.toString()));
  workers.push(worker);
  return worker;
}

async function stopWorker(worker: WorkerProcess): Promise<void> {
  const { child } = worker;
  if (child.exitCode !== null || child.signalCode !== null || child.pid === undefined) return;
  const group = -child.pid;
  try {
    process.kill(group, 'SIGTERM'); // closeWithGrace: finish active jobs, close Redis
  } catch {
    return; // already gone
  }
  const stopped = await Promise.race([worker.exited.then(() => true), new Promise<boolean>((resolve) => setTimeout(() => resolve(false), 5000))]);
  if (!stopped) {
    try {
      process.kill(group, 'SIGKILL');
    } catch {
      // gone meanwhile
    }
    await worker.exited;
  }
}

/** 'job done' lines of cancel jobs in one worker's log: the job ids it processed. */
function cancelJobsDone(worker: WorkerProcess): string[] {
  return worker.lines.filter((line) => line['msg'] === 'job done' && line['kind'] === 'cancel').map((line) => String(line['jobId']));
}

beforeAll(async () => {
  stack = await startStack({ workers: false });
  const fabric = sandboxFabricSettings(stack.sandboxUrl, '12');
  const env = {
    PATH: process.env['PATH'] ?? '',
    REDIS_URL: inject('redisUrl'),
    QUEUE_PREFIX: stack.config.queuePrefix,
    FABRIC_BASE_URL: fabric.baseUrl,
    FABRIC_AUTH_URL: fabric.authUrl,
    FABRIC_CLIENT_ID: fabric.clientId,
    FABRIC_CLIENT_SECRET: fabric.clientSecret,
    FABRIC_TENANT_ID: fabric.tenantId,
    RETAILOPS_AUTH_TOKENS: JSON.stringify([TEST_TOKEN]),
    ORDER_SYNC_SINCE: '1970-01-01T00:00:00Z',
    LOG_LEVEL: 'info',
    JOB_BACKOFF_MS: '20',
  };
  const started = [spawnWorker('worker-a', env), spawnWorker('worker-b', env)];
  await Promise.all(
    started.map((worker) =>
      eventually(
        `${worker.name} to start`,
        async () => {
          if (worker.child.exitCode !== null) throw new Error(`${worker.name} exited: ${worker.other.join('')}`);
          return worker.lines.some((line) => line['msg'] === 'workers running') ? true : undefined;
        },
        20_000,
      ),
    ),
  );
}, 60_000);

afterAll(async () => {
  await Promise.all(workers.map(stopWorker));
  await stack?.close();
}, 30_000);

describe('two worker processes', () => {
  it('share the cancels of 60 orders: each job in one process, each order cancelled once', async () => {
    const orderNumbers = Array.from({ length: ORDERS }, (_, index) => `SCALE-${1000 + index}`);
    await Promise.all(
      orderNumbers.map((orderNumber) =>
        stack.sandbox.createOrder({
          orderNumber,
          currency: 'USD',
          customer: { name: { firstName: 'Scale', lastName: orderNumber }, email: `${orderNumber.toLowerCase()}@example.com` },
          items: [{ sku: 'SKU-1', itemName: 'Thing', itemUnitPrice: 10, orderedQuantity: 2 }],
          orderTotal: 20,
        }),
      ),
    );
    // Jobs that take a moment (each makes two fabric calls) keep one process from draining the queue alone.
    await stack.sandbox.setFaults({ latencyMs: 20 });

    const statuses = await Promise.all(
      orderNumbers.map(async (orderNumber) => {
        const response = await postJson(stack.ingressUrl, '/order_cancel', { data: { order: { channel_refnum: orderNumber }, channel: { id: 21 } } }, { bearer: TEST_TOKEN });
        return response.status;
      }),
    );
    expect(statuses).toEqual(Array(ORDERS).fill(200));

    await eventually('every cancel to complete', async () => ((await stack.queues.cancel.getCompletedCount()) >= ORDERS ? true : undefined), 15_000);
    expect(await stack.queues.cancel.getFailedCount()).toBe(0);
    const jobIds = new Set((await stack.queues.cancel.getCompleted(0, -1)).map((job) => job.id));
    expect(jobIds.size).toBe(ORDERS);

    // fabric: one cancel per order, nothing else cancelled, every order cancelled.
    const cancels = (await stack.sandbox.calls()).filter((call) => call.kind === 'cancel');
    expect(cancels.map((call) => call.orderNumber).sort()).toEqual([...orderNumbers].sort());
    const orders = await Promise.all(orderNumbers.map((orderNumber) => stack.sandbox.getOrder(orderNumber)));
    expect(orders.map((order) => order?.statusCode)).toEqual(Array(ORDERS).fill('ORDER_CANCELLED'));

    // The logs: 'job done' lines reach us after Redis has the job completed, so wait for all of them.
    const [a, b] = workers as [WorkerProcess, WorkerProcess];
    await eventually('both logs to report every job', async () => (cancelJobsDone(a).length + cancelJobsDone(b).length >= ORDERS ? true : undefined), 5000);
    const doneA = cancelJobsDone(a);
    const doneB = cancelJobsDone(b);
    expect(doneA.length, `${a.name} processed cancels`).toBeGreaterThan(0);
    expect(doneB.length, `${b.name} processed cancels`).toBeGreaterThan(0);
    expect(new Set(doneA).size).toBe(doneA.length); // no job twice in one process
    expect(new Set(doneB).size).toBe(doneB.length);
    expect(doneA.filter((id) => doneB.includes(id))).toEqual([]); // no job in both
    expect(new Set([...doneA, ...doneB])).toEqual(jobIds);
  }, 30_000);
});
