// 3. Latency-bound channel: the sandbox answers every /v3 call after 100 ms; real worker processes (one and two,
// WORKER_CONCURRENCY 10, 50, 200 each) cancel open orders, each cancel being two sequential fabric calls (GET the
// order, then actions/cancel). The ideal is slots / (calls per job x latency); the target is 0.8 of it until the
// configured fabric call budget (FABRIC_RATE_LIMIT_PER_SECOND, shared by all workers through Redis) binds. The
// matrix runs with the budget on but far above the offered load; one more cell runs with the default budget
// (100 calls/s) at a concurrency that would exceed it, where the budget must bind and hold.
import { benchConfig, enqueueCancels, producer, steadyRate, trackUntilDone } from './lib/jobs.js';
import { createSandboxOrders } from './lib/orders.js';
import type { BenchOptions, BenchResult, Benchmark, Figure } from './lib/report.js';
import { withScope } from './lib/scope.js';
import { benchQueue, cpuMeter, startRedis, startSandboxChild, startWorkerChildren, uniquePrefix, type BenchRedis, type RunningSandbox } from './lib/services.js';

const LATENCY_MS = 100;
const CALLS_PER_JOB = 2;
/** FABRIC_RATE_LIMIT_PER_SECOND's default. */
const DEFAULT_FABRIC_LIMIT = 100;

interface CellSpec {
  readonly concurrency: number;
  readonly processes: number;
  /** Fabric calls per second allowed across all workers; null: far above the offered load. */
  readonly fabricLimit: number | null;
}

export function settings(quick: boolean) {
  const matrix = (concurrencies: number[]): CellSpec[] =>
    concurrencies.flatMap((concurrency) => [1, 2].map((processes) => ({ concurrency, processes, fabricLimit: null })));
  const limited: CellSpec = { concurrency: 50, processes: 2, fabricLimit: DEFAULT_FABRIC_LIMIT };
  return quick
    ? { latencyMs: LATENCY_MS, cells: [...matrix([10]), limited], idealSeconds: 1, budgetSeconds: 5 }
    : { latencyMs: LATENCY_MS, cells: [...matrix([10, 50, 200]), limited], idealSeconds: 3, budgetSeconds: 10 };
}

interface Cell extends CellSpec {
  readonly jobs: number;
  /** What the slots allow, and what the budget allows (jobs/s). */
  readonly idealPerSecond: number;
  readonly limitPerSecond: number | null;
  readonly steadyPerSecond: number;
  readonly overallPerSecond: number;
  readonly failed: number;
  readonly ms: number;
  /** Share of one core each process used while the jobs ran. */
  readonly cpuShare: Record<string, number>;
}

async function runCell(
  redis: BenchRedis,
  sandbox: RunningSandbox,
  spec: CellSpec,
  jobs: number,
  first: number,
  nodeArgs: readonly string[] | undefined,
): Promise<Omit<Cell, 'idealPerSecond' | 'limitPerSecond'>> {
  return withScope(`latency-bound ${spec.concurrency}x${spec.processes}`, async (scope) => {
    const prefix = uniquePrefix();
    const queue = benchQueue(scope, redis, 'cancel', prefix);
    await queue.pause();
    const jobQueues = await producer(scope, benchConfig(redis.url, prefix, sandbox.url));
    await enqueueCancels(jobQueues, jobs, (index) => first + index);
    const workers = await startWorkerChildren(scope, redis, {
      redisUrl: redis.url,
      prefix,
      sandboxUrl: sandbox.url,
      processes: spec.processes,
      concurrency: spec.concurrency,
      queue: 'cancel',
      ...(spec.fabricLimit === null ? {} : { extra: { FABRIC_RATE_LIMIT_PER_SECOND: String(spec.fabricLimit) } }),
      ...(nodeArgs ? { nodeArgs } : {}),
    });
    const cpu = cpuMeter({
      ...Object.fromEntries(workers.map((worker, index) => [`worker ${index + 1}`, worker.pid])),
      sandbox: sandbox.child.pid,
      redis: redis.pid,
    });
    await cpu.start();
    const started = performance.now();
    await queue.resume();
    const progress = await trackUntilDone(queue, jobs, started, 180_000, 50);
    const cpuSeconds = await cpu.stop();
    const failed = await queue.getFailedCount();
    await Promise.all(workers.map((worker) => worker.stop()));
    return {
      ...spec,
      jobs,
      steadyPerSecond: steadyRate(progress, jobs),
      overallPerSecond: (jobs / progress.totalMs) * 1000,
      failed,
      ms: Math.round(progress.totalMs),
      cpuShare: Object.fromEntries(Object.entries(cpuSeconds).map(([name, seconds]) => [name, Math.round((seconds / (progress.totalMs / 1000)) * 100) / 100])),
    };
  });
}

export const latencyBound: Benchmark = {
  name: 'latency-bound',
  title: 'Latency-bound channel (sandbox answers in 100 ms)',
  async run({ quick, nodeArgs }: BenchOptions): Promise<BenchResult> {
    const config = settings(quick);
    return withScope('latency-bound', async (scope) => {
      const redis = await startRedis(scope);
      const sandbox = await startSandboxChild(scope, config.latencyMs);
      const cells: Cell[] = [];
      let nextRefnum = 200_000;
      for (const spec of config.cells) {
        const slots = spec.concurrency * spec.processes;
        const idealPerSecond = slots / ((CALLS_PER_JOB * config.latencyMs) / 1000);
        const limitPerSecond = spec.fabricLimit === null ? null : spec.fabricLimit / CALLS_PER_JOB;
        // Enough jobs for several seconds of calls at the budget, so the figure is the budget's rate, not a start-up.
        const jobs =
          limitPerSecond === null
            ? Math.max(100, Math.round(idealPerSecond * config.idealSeconds))
            : Math.round(Math.min(idealPerSecond, limitPerSecond) * config.budgetSeconds);
        const first = nextRefnum;
        nextRefnum += jobs;
        await createSandboxOrders(sandbox.client, first, jobs);
        await redis.flush();
        cells.push({ ...(await runCell(redis, sandbox, spec, jobs, first, nodeArgs)), idealPerSecond, limitPerSecond });
      }
      return { name: 'latency-bound', title: 'Latency-bound channel', figures: cells.map((cell) => figure(cell, config.latencyMs)), details: { settings: config, callsPerJob: CALLS_PER_JOB, cells } };
    });
  },
};

function figure(cell: Cell, latencyMs: number): Figure {
  const where =
    `${Math.round(cell.steadyPerSecond * CALLS_PER_JOB)} fabric calls/s; ${cell.jobs} jobs in ${(cell.ms / 1000).toFixed(1)} s, ${cell.failed} failed; ` +
    `CPU (cores): ${Object.entries(cell.cpuShare).map(([name, share]) => `${name} ${share}`).join(', ')}`;
  const name = `concurrency ${cell.concurrency} x ${cell.processes} process${cell.processes > 1 ? 'es' : ''}`;
  if (cell.limitPerSecond !== null) {
    // The budget binds: calls start 1/budget apart, so throughput over the whole run sits at the budget (a little
    // under it: the last calls' latency). 10 % over it is allowed for timing and polling; more means it leaks.
    const ratio = cell.overallPerSecond / cell.limitPerSecond;
    const seconds = Math.round((cell.jobs * CALLS_PER_JOB) / (cell.fabricLimit ?? 1));
    const upper = 1.1;
    return {
      figure: `${name}, fabric budget ${cell.fabricLimit} calls/s`,
      value: cell.overallPerSecond,
      unit: 'jobs/s',
      baseline: { label: `budget ${cell.fabricLimit} calls/s / ${CALLS_PER_JOB} calls (slots alone: ${Math.round(cell.idealPerSecond)})`, value: cell.limitPerSecond },
      ratio,
      target: `0.8x to ${upper}x the budget over ${seconds} s of calls (the limit binds and holds)`,
      met: ratio >= 0.8 && ratio <= upper,
      note: where.replace(/^\d+ fabric calls\/s/, `${Math.round(cell.overallPerSecond * CALLS_PER_JOB)} fabric calls/s over the run`),
    };
  }
  const ratio = cell.steadyPerSecond / cell.idealPerSecond;
  return {
    figure: name,
    value: cell.steadyPerSecond,
    unit: 'jobs/s',
    baseline: { label: `ideal ${cell.concurrency * cell.processes} slots / (${CALLS_PER_JOB} calls x ${latencyMs} ms)`, value: cell.idealPerSecond },
    ratio,
    target: '>= 0.8x ideal (budget not binding)',
    met: ratio >= 0.8,
    note: where,
  };
}
