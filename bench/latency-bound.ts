// 3. Latency-bound channel: the sandbox answers every /v3 call after 100 ms; real worker processes (one and two,
// WORKER_CONCURRENCY 10, 50, 200 each) cancel open orders, each cancel being two sequential fabric calls (GET the
// order, then actions/cancel). The matrix runs with the configured fabric call budget (FABRIC_RATE_LIMIT_PER_SECOND,
// shared by all workers through Redis) on but far above the offered load; each of its cells also runs the naive
// worker (bench/servers/naive-worker.ts: GET and cancel, nothing else) with the same processes, concurrency and
// number of jobs, right before or after the real one, and the target is the real worker at >= 0.95x the naive one.
// The ideal, slots / (calls per job x latency), stays beside them as context (the earlier target was 0.8 of it). One
// more cell runs with the default budget (100 calls/s) at a concurrency that would exceed it, where the budget must
// bind and hold. fabric's ledger confirms the cancels of every run.
import { benchConfig, enqueueCancels, enqueueNaiveCancels, producer, steadyRate, trackUntilDone, type Progress } from './lib/jobs.js';
import { cancelsOf } from './lib/ledger.js';
import { createSandboxOrders } from './lib/orders.js';
import { SeedCancel } from './lib/payloads.js';
import type { BenchOptions, BenchResult, Benchmark, Figure } from './lib/report.js';
import { withScope } from './lib/scope.js';
import {
  benchQueue,
  cpuMeter,
  startNaiveWorkers,
  startRedis,
  startSandboxChild,
  startWorkerChildren,
  uniquePrefix,
  type BenchRedis,
  type Child,
  type RunningSandbox,
} from './lib/services.js';

const LATENCY_MS = 100;
const CALLS_PER_JOB = 2;
/** FABRIC_RATE_LIMIT_PER_SECOND's default. */
const DEFAULT_FABRIC_LIMIT = 100;
/** The real worker against the naive one at the same concurrency (the issue "the naive implementation as the baseline"). */
export const NAIVE_TARGET = 0.95;

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

/** One run of a cell's jobs by one kind of worker. */
interface CellRun {
  readonly first: number;
  readonly steadyPerSecond: number;
  readonly overallPerSecond: number;
  readonly failed: number;
  readonly ms: number;
  /** Share of one core each process used while the jobs ran. */
  readonly cpuShare: Record<string, number>;
}

interface Cell extends CellSpec, CellRun {
  readonly jobs: number;
  /** The naive worker on the same cell (matrix cells only: it has no call budget to bind). */
  readonly naive: CellRun | null;
  /** Orders fabric cancelled, from its ledger: the real run's, the naive run's. */
  readonly ledger?: { real: number; naive: number | null };
  /** What the slots allow, and what the budget allows (jobs/s). */
  readonly idealPerSecond: number;
  readonly limitPerSecond: number | null;
}

async function runCell(
  kind: 'real' | 'naive',
  redis: BenchRedis,
  sandbox: RunningSandbox,
  spec: CellSpec,
  jobs: number,
  first: number,
  nodeArgs: readonly string[] | undefined,
): Promise<CellRun> {
  return withScope(`latency-bound ${kind} ${spec.concurrency}x${spec.processes}`, async (scope) => {
    const prefix = uniquePrefix();
    const queue = benchQueue(scope, redis, 'cancel', prefix);
    await queue.pause();
    let workers: Child[];
    if (kind === 'real') {
      const jobQueues = await producer(scope, benchConfig(redis.url, prefix, sandbox.url));
      await enqueueCancels(jobQueues, jobs, (index) => first + index);
      workers = await startWorkerChildren(scope, redis, {
        redisUrl: redis.url,
        prefix,
        sandboxUrl: sandbox.url,
        processes: spec.processes,
        concurrency: spec.concurrency,
        queue: 'cancel',
        ...(spec.fabricLimit === null ? {} : { extra: { FABRIC_RATE_LIMIT_PER_SECOND: String(spec.fabricLimit) } }),
        ...(nodeArgs ? { nodeArgs } : {}),
      });
    } else {
      const seed = new SeedCancel();
      await enqueueNaiveCancels(queue, (refnum) => seed.body(refnum), jobs, (index) => first + index);
      workers = await startNaiveWorkers(scope, redis, {
        prefix,
        sandboxUrl: sandbox.url,
        processes: spec.processes,
        concurrency: spec.concurrency,
        ...(nodeArgs ? { nodeArgs } : {}),
      });
    }
    const cpu = cpuMeter({
      ...Object.fromEntries(workers.map((worker, index) => [`worker ${index + 1}`, worker.pid])),
      sandbox: sandbox.child.pid,
      redis: redis.pid,
    });
    await cpu.start();
    const started = performance.now();
    await queue.resume();
    const progress: Progress = await trackUntilDone(queue, jobs, started, 180_000, 50);
    const cpuSeconds = await cpu.stop();
    const failed = await queue.getFailedCount();
    await Promise.all(workers.map((worker) => worker.stop()));
    return {
      first,
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
        const withNaive = spec.fabricLimit === null;
        const first = nextRefnum;
        const naiveFirst = first + jobs;
        nextRefnum += withNaive ? 2 * jobs : jobs;
        await createSandboxOrders(sandbox.client, first, withNaive ? 2 * jobs : jobs);
        // Alternating which runs first, so that a drift in the machine's load does not always favour the same one.
        const naiveFirstInTime = withNaive && cells.length % 2 === 0;
        const runNaive = async (): Promise<CellRun | null> => {
          if (!withNaive) return null;
          await redis.flush();
          return runCell('naive', redis, sandbox, spec, jobs, naiveFirst, nodeArgs);
        };
        const earlyNaive = naiveFirstInTime ? await runNaive() : null;
        await redis.flush();
        const real = await runCell('real', redis, sandbox, spec, jobs, first, nodeArgs);
        const naive = naiveFirstInTime ? earlyNaive : await runNaive();
        cells.push({ ...spec, ...real, jobs, naive, idealPerSecond, limitPerSecond });
      }
      // Read once, after everything measured (bench/lib/ledger.ts says why).
      const ledger = await sandbox.client.calls();
      const checked = cells.map((cell) => ({
        ...cell,
        ledger: { real: cancelsOf(ledger, cell.first, cell.jobs).ordersCancelled, naive: cell.naive ? cancelsOf(ledger, cell.naive.first, cell.jobs).ordersCancelled : null },
      }));
      // Every completed job must be a cancel fabric took, for either worker: a baseline that skips work is no baseline.
      for (const cell of checked) {
        const expected = { real: cell.jobs - cell.failed, naive: cell.naive ? cell.jobs - cell.naive.failed : null };
        if (cell.ledger.real !== expected.real || cell.ledger.naive !== expected.naive) {
          throw new Error(`cell ${cell.concurrency}x${cell.processes}: fabric cancelled ${JSON.stringify(cell.ledger)} orders, the jobs say ${JSON.stringify(expected)}`);
        }
      }
      return { name: 'latency-bound', title: 'Latency-bound channel', figures: checked.map((cell) => figure(cell, config.latencyMs)), details: { settings: config, callsPerJob: CALLS_PER_JOB, cells: checked } };
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
  const ideal = cell.steadyPerSecond / cell.idealPerSecond;
  const naive = cell.naive;
  const cancelled = `fabric cancelled ${cell.ledger?.real ?? '?'}/${cell.jobs} (naive ${cell.ledger?.naive ?? '?'}/${cell.jobs})`;
  if (naive === null) throw new Error(`cell ${name} has no naive run`);
  const ratio = cell.steadyPerSecond / naive.steadyPerSecond;
  return {
    figure: name,
    value: cell.steadyPerSecond,
    unit: 'jobs/s',
    baseline: { label: `naive worker, same concurrency`, value: naive.steadyPerSecond },
    ratio,
    target: `>= ${NAIVE_TARGET}x naive worker`,
    met: ratio >= NAIVE_TARGET,
    note:
      `ideal ${cell.concurrency * cell.processes} slots / (${CALLS_PER_JOB} calls x ${latencyMs} ms) = ${Math.round(cell.idealPerSecond)}: real ${ideal.toFixed(2)}x, naive ${(naive.steadyPerSecond / cell.idealPerSecond).toFixed(2)}x; ` +
      `${where}; naive: ${naive.failed} failed, CPU ${Object.entries(naive.cpuShare).map(([who, share]) => `${who} ${share}`).join(', ')}; ${cancelled}`,
  };
}
