import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { postJson } from '../harness/http.js';
import { spawnWorker, waitForLine, workerEnv, type WorkerProcess } from '../harness/processes.js';
import { eventually, settled, startStack, TEST_TOKEN, type Stack } from '../harness/stack.js';

/**
 * One circuit for the deployment: two worker processes, fabric down (every /v3 call answers 503). Once the circuit is
 * open, the two of them together send fabric one probe per cooldown, not one each; when fabric is back one probe
 * closes the circuit for both, and every cancel runs once.
 *
 * What fabric saw is read from both workers' rob_fabric_requests_total: the sandbox answers a faulted call before its
 * ledger (GET /_sandbox/calls records only calls that reached business logic) and counts none.
 */
const ORDERS = 20;
const THRESHOLD = 3;
const COOLDOWN_MS = 1500;
/** How long fabric stays down once the circuit is open: a few cooldowns. */
const WINDOW_MS = 4 * COOLDOWN_MS;
/** Breaker refresh (shared/fabric/circuit-breaker.ts REFRESH_MS): what a process may lag the circuit by. */
const REFRESH_MS = 1000;

let stack: Stack;
const workers: WorkerProcess[] = [];
const metricsUrls: string[] = [];

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** The sum of a metric's samples, minus those whose labels match `except`. */
function metricSum(text: string, name: string, except: Record<string, string> = {}): number {
  let total = 0;
  for (const line of text.split('\n')) {
    const match = /^([a-zA-Z_:][\w:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!match || match[1] !== name) continue;
    const labels = Object.fromEntries([...(match[2] ?? '').matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)].map(([, key, value]) => [key, value]));
    if (Object.entries(except).some(([key, value]) => labels[key] === value)) continue;
    total += Number(match[3]);
  }
  return total;
}

async function scrape(url: string): Promise<string> {
  const response = await fetch(`${url}/metrics`);
  expect(response.status).toBe(200);
  return response.text();
}

/** Each worker's rob_fabric_circuit_state (0 closed, 1 half-open, 2 open). */
async function circuitStates(): Promise<number[]> {
  return Promise.all(metricsUrls.map(async (url) => metricSum(await scrape(url), 'rob_fabric_circuit_state')));
}

/** Requests both workers sent to fabric's API (token requests aside: they do not go through the circuit). */
async function fabricRequests(): Promise<number> {
  const counts = await Promise.all(metricsUrls.map(async (url) => metricSum(await scrape(url), 'rob_fabric_requests_total', { endpoint: 'token' })));
  return counts.reduce((sum, count) => sum + count, 0);
}

/** Both workers' log lines with this message, oldest first: when (ms; the services log ISO times) and by which worker. */
function logged(message: string): { time: number; worker: number }[] {
  return workers
    .flatMap((worker, index) => worker.lines.filter((line) => line['msg'] === message).map((line) => ({ time: Date.parse(String(line['time'])), worker: index })))
    .sort((a, b) => a.time - b.time);
}

beforeAll(async () => {
  stack = await startStack({
    workers: false,
    env: { FABRIC_BREAKER_THRESHOLD: String(THRESHOLD), FABRIC_BREAKER_COOLDOWN_MS: String(COOLDOWN_MS), JOB_ATTEMPTS: '30' },
  });
  for (let index = 0; index < 2; index += 1) {
    const port = await freePort();
    metricsUrls.push(`http://127.0.0.1:${port}`);
    workers.push(spawnWorker(workerEnv(stack, { METRICS_PORT: String(port), WORKER_CONCURRENCY: '5' })));
  }
  await Promise.all(workers.map((worker) => waitForLine(worker, 'workers running', 30_000)));
}, 60_000);

afterAll(async () => {
  for (const worker of workers) worker.kill('SIGKILL');
  await Promise.all(workers.map((worker) => worker.exited));
  await stack?.close();
}, 30_000);

describe('two worker processes and a fabric that is down', () => {
  it('share one circuit: one probe per cooldown between them, and both close together when fabric is back', async () => {
    const orderNumbers = Array.from({ length: ORDERS }, (_, index) => `CIRCUIT-${1000 + index}`);
    for (const orderNumber of orderNumbers) {
      await stack.sandbox.createOrder({
        orderNumber,
        currency: 'USD',
        items: [{ sku: 'SKU-1', itemName: 'Thing', itemUnitPrice: 10, orderedQuantity: 1 }],
        orderTotal: 10,
      });
    }
    await stack.sandbox.setFaults({ errorRate: 1 });
    const statuses = await Promise.all(
      orderNumbers.map(async (orderNumber) => {
        const response = await postJson(stack.ingressUrl, '/order_cancel', { data: { order: { channel_refnum: orderNumber }, channel: { id: 21 } } }, { bearer: TEST_TOKEN });
        return response.status;
      }),
    );
    expect(statuses).toEqual(Array(ORDERS).fill(200));

    // Opened once, by one process; both know it (their metric) within a refresh.
    await eventually('both workers to see the circuit open', async () => ((await circuitStates()).every((state) => state > 0) ? true : undefined), 15_000);
    expect(logged('fabric circuit opened')).toHaveLength(1);

    // Calls sent before the opening have ended (fabric answers at once); from here on only probes may reach fabric.
    await new Promise((resolve) => setTimeout(resolve, 200));
    const before = await fabricRequests();
    const windowStart = Date.now();
    await new Promise((resolve) => setTimeout(resolve, WINDOW_MS));
    const sent = (await fabricRequests()) - before;
    const windowEnd = Date.now();

    // One probe per cooldown from the two together (a circuit per process would send about twice as many).
    expect(sent).toBeGreaterThanOrEqual(2);
    expect(sent).toBeLessThanOrEqual(Math.floor((windowEnd - windowStart) / COOLDOWN_MS) + 1);
    const probes = logged('fabric circuit half-open');
    const probesInWindow = probes.filter((probe) => probe.time >= windowStart && probe.time <= windowEnd);
    expect(probesInWindow.length).toBeGreaterThanOrEqual(sent - 1);
    expect(probesInWindow.length).toBeLessThanOrEqual(sent + 1);
    for (let index = 1; index < probes.length; index += 1) {
      const gap = (probes[index]?.time ?? 0) - (probes[index - 1]?.time ?? 0);
      expect(gap, 'time between two probes').toBeGreaterThanOrEqual(COOLDOWN_MS - 100);
    }
    // Each failed probe opened the circuit again, logged once by its sender (the last one may still be on its way).
    const opened = logged('fabric circuit opened').length;
    expect(opened).toBeGreaterThanOrEqual(probes.length);
    expect(opened).toBeLessThanOrEqual(probes.length + 1);

    // fabric is back: the next probe closes the circuit, once, for both processes.
    await stack.sandbox.clearFaults();
    await eventually('the circuit to close', async () => (logged('fabric circuit closed').length > 0 ? true : undefined), COOLDOWN_MS + 5000);
    const closedAt = logged('fabric circuit closed')[0]?.time ?? 0;
    await eventually('both workers to see the circuit closed', async () => ((await circuitStates()).every((state) => state === 0) ? true : undefined), REFRESH_MS + 2000);
    expect(Date.now() - closedAt).toBeLessThan(REFRESH_MS + 1000);
    expect(logged('fabric circuit closed')).toHaveLength(1);

    // Every cancel ran once, none ran out of attempts, and Redis stayed in reach throughout.
    await settled(stack, 30_000);
    expect(await stack.queues.cancel.getCompletedCount()).toBe(ORDERS);
    const cancels = (await stack.sandbox.calls()).filter((call) => call.kind === 'cancel');
    expect(cancels.map((call) => call.orderNumber).sort()).toEqual([...orderNumbers].sort());
    expect(logged('fabric circuit decided in this process: redis out of reach')).toEqual([]);
  }, 90_000);
});
