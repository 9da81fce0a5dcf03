// 2. Pipeline: N distinct cancels posted to an ingress (autocannon) and processed end to end by one worker process
// against the sandbox (no latency; every order exists and is open, so each action is a GET and a cancel), for two
// bridges in the same run on the same Redis, sandbox, load and concurrency:
//   the real one   ingress/main.ts + workers/main.ts
//   the naive one  bench/servers/bare-http.ts (`add` mode) + naive-worker.ts: parse, queue.add; GET, cancel; nothing else
// The naive bridge is the baseline the targets are stated against. A bare BullMQ worker with a no-op processor,
// draining N jobs, is kept beside them as the ceiling (context only: it does no I/O). fabric's ledger confirms that
// every order of both runs was cancelled exactly as the jobs claim.
import { enqueueNaiveCancels, finishedCount, trackUntilDone, type Progress } from './lib/jobs.js';
import { cancelsOf } from './lib/ledger.js';
import { load, type LoadResult } from './lib/load.js';
import { createSandboxOrders } from './lib/orders.js';
import { SeedCancel } from './lib/payloads.js';
import { machine, type BenchOptions, type BenchResult, type Benchmark } from './lib/report.js';
import { withScope, type Scope } from './lib/scope.js';
import {
  benchQueue,
  cpuMeter,
  startBareWorker,
  startIngressChild,
  startNaiveIngress,
  startNaiveWorkers,
  startRedis,
  startSandboxChild,
  startWorkerChildren,
  uniquePrefix,
  type BenchRedis,
  type Child,
  type RunningSandbox,
} from './lib/services.js';
import { round } from './lib/util.js';

export function settings(quick: boolean) {
  // WORKER_CONCURRENCY's default (10): the configuration a deployment starts with.
  return quick ? { actions: 500, concurrency: 10, connections: 32 } : { actions: 20_000, concurrency: 10, connections: 64 };
}

/** Each bridge cancels its own range of orders, so the ledger tells their cancels apart. */
const FIRST_REFNUM = { real: 100_000, naive: 600_000 } as const;
type Bridge = keyof typeof FIRST_REFNUM;

/** The targets of the issue "the naive implementation as the baseline". */
export const TARGETS = { endToEnd: 0.8, workerCpu: 1.5 } as const;

interface BridgeRun {
  readonly bridge: Bridge;
  readonly rate: number;
  readonly progress: Progress;
  readonly posted: LoadResult;
  /** CPU ms per action of each process. */
  readonly cpuMsPerAction: Record<string, number>;
  readonly counts: Record<string, number>;
  readonly extraJobs: number;
  readonly ordersCreated: number;
}

/** Orders created per bridge: autocannon builds one request per connection ahead, so a few refnums past N are used. */
const ordersFor = (config: ReturnType<typeof settings>): number => config.actions + config.connections * 2 + 16;

async function runBridge(
  bridge: Bridge,
  scope: Scope,
  redis: BenchRedis,
  sandbox: RunningSandbox,
  config: ReturnType<typeof settings>,
  nodeArgs: readonly string[] | undefined,
): Promise<BridgeRun> {
  const prefix = uniquePrefix();
  const queue = benchQueue(scope, redis, 'cancel', prefix);
  let ingress: { url: string; child: Child };
  let worker: Child | undefined;
  if (bridge === 'real') {
    const services = { redisUrl: redis.url, prefix, sandboxUrl: sandbox.url, ...(nodeArgs ? { nodeArgs } : {}) };
    [worker] = await startWorkerChildren(scope, redis, { ...services, processes: 1, concurrency: config.concurrency, queue: 'cancel' });
    ingress = await startIngressChild(scope, services);
  } else {
    [worker] = await startNaiveWorkers(scope, redis, { prefix, sandboxUrl: sandbox.url, processes: 1, concurrency: config.concurrency, ...(nodeArgs ? { nodeArgs } : {}) });
    ingress = await startNaiveIngress(scope, { redisUrl: redis.url, prefix, ...(nodeArgs ? { nodeArgs } : {}) });
  }
  const seed = new SeedCancel();
  const cpu = cpuMeter({ ingress: ingress.child.pid, worker: worker?.pid ?? -1, sandbox: sandbox.child.pid, redis: redis.pid, 'load generator': process.pid });
  await cpu.start();
  const [posted, progress] = await Promise.all([
    load({ url: ingress.url, connections: config.connections, amount: config.actions, requests: [seed.request(FIRST_REFNUM[bridge])] }),
    trackUntilDone(queue, config.actions, performance.now(), 300_000, 25),
  ]);
  const cpuSeconds = await cpu.stop();
  const counts = await queue.getJobCounts('completed', 'failed', 'waiting', 'active', 'delayed');
  const extraJobs = (await finishedCount(queue)) - config.actions;
  // Stopped before the next bridge runs: the two never share the cores.
  await Promise.all([ingress.child.stop(), worker?.stop()]);
  return {
    bridge,
    rate: config.actions / (progress.totalMs / 1000),
    progress,
    posted,
    cpuMsPerAction: perAction(cpuSeconds, config.actions),
    counts,
    extraJobs,
    ordersCreated: ordersFor(config),
  };
}

export const pipeline: Benchmark = {
  name: 'pipeline',
  title: 'Pipeline: ingress -> queue -> worker -> sandbox, real and naive bridge',
  async run({ quick, nodeArgs }: BenchOptions): Promise<BenchResult> {
    const config = settings(quick);
    return withScope('pipeline', async (scope) => {
      const redis = await startRedis(scope);
      const sandbox = await startSandboxChild(scope, 0);
      const creating = performance.now();
      for (const bridge of ['naive', 'real'] as const) await createSandboxOrders(sandbox.client, FIRST_REFNUM[bridge], ordersFor(config));
      const createSeconds = (performance.now() - creating) / 1000;

      // The ceiling (context): N jobs of the naive ingress's shape, paused while added, drained by a no-op worker.
      const basePrefix = uniquePrefix();
      const baseQueue = benchQueue(scope, redis, 'cancel', basePrefix);
      await baseQueue.pause();
      const bare = await startBareWorker(scope, redis, { prefix: basePrefix, queue: 'cancel', concurrency: config.concurrency });
      const seed = new SeedCancel();
      await enqueueNaiveCancels(baseQueue, (refnum) => seed.body(refnum), config.actions, (index) => index);
      const baseCpu = cpuMeter({ worker: bare.pid, redis: redis.pid });
      await baseCpu.start();
      const baseStarted = performance.now();
      await baseQueue.resume();
      const baseProgress = await trackUntilDone(baseQueue, config.actions, baseStarted, 120_000, 10);
      const baseCpuMs = perAction(await baseCpu.stop(), config.actions);
      await bare.stop();
      const ceilingRate = (config.actions / baseProgress.totalMs) * 1000;
      await redis.flush();

      // The naive bridge, then the real one, each on a flushed Redis.
      const naive = await runBridge('naive', scope, redis, sandbox, config, nodeArgs);
      await redis.flush();
      const real = await runBridge('real', scope, redis, sandbox, config, nodeArgs);

      // Read once, after everything measured (bench/lib/ledger.ts says why).
      const ledger = await sandbox.client.calls();
      const check = { naive: cancelsOf(ledger, FIRST_REFNUM.naive, naive.ordersCreated), real: cancelsOf(ledger, FIRST_REFNUM.real, real.ordersCreated) };
      for (const run of [naive, real]) {
        const completed = run.counts['completed'] ?? 0;
        const cancelled = check[run.bridge].ordersCancelled;
        if (completed !== config.actions || cancelled !== config.actions) {
          throw new Error(`${run.bridge} bridge: ${completed} jobs completed and fabric cancelled ${cancelled} orders of ${config.actions} (${JSON.stringify(check[run.bridge])})`);
        }
      }

      const workerRatio = (real.cpuMsPerAction['worker'] ?? Number.NaN) / (naive.cpuMsPerAction['worker'] ?? Number.NaN);
      const total = (run: BridgeRun): number => round(Object.entries(run.cpuMsPerAction).filter(([name]) => name !== 'load generator').reduce((sum, [, ms]) => sum + ms, 0), 3);
      const breakdown = (cpu: Record<string, number>): string => Object.entries(cpu).map(([name, ms]) => `${name} ${ms}`).join(', ');
      const verified = (bridge: Bridge): string =>
        `${check[bridge].ordersCancelled} orders cancelled in fabric's ledger (${check[bridge].calls} cancel calls: ${Object.entries(check[bridge].statuses).map(([status, n]) => `${n} x ${status}`).join(', ')})`;
      return {
        name: 'pipeline',
        title: 'Pipeline',
        figures: [
          {
            figure: `actions/s end to end (${config.actions} distinct cancels, concurrency ${config.concurrency})`,
            value: real.rate,
            unit: 'actions/s',
            baseline: { label: `naive bridge (parse + queue.add; GET + cancel), concurrency ${config.concurrency}`, value: naive.rate },
            ratio: real.rate / naive.rate,
            target: `>= ${TARGETS.endToEnd}x naive bridge`,
            met: real.rate / naive.rate >= TARGETS.endToEnd,
            note: `real: ${verified('real')}, ${real.counts['failed'] ?? 0} failed; naive: ${verified('naive')}, ${naive.counts['failed'] ?? 0} failed`,
          },
          {
            figure: 'worker CPU per action (its own process)',
            value: real.cpuMsPerAction['worker'] ?? Number.NaN,
            unit: 'ms',
            baseline: { label: 'naive worker', value: naive.cpuMsPerAction['worker'] ?? Number.NaN },
            ratio: workerRatio,
            target: `<= ${TARGETS.workerCpu}x naive worker`,
            met: workerRatio <= TARGETS.workerCpu,
            note: `no-op worker (ceiling) ${baseCpuMs['worker']} ms`,
          },
          {
            figure: 'ceiling (context, no target): bare BullMQ worker, no-op processor',
            value: ceilingRate,
            unit: 'actions/s',
            note: `real bridge ${round(real.rate / ceilingRate, 3)}x of it, naive bridge ${round(naive.rate / ceilingRate, 3)}x; it drains the queue and does no I/O`,
          },
          {
            figure: 'ingress accept rate during the run',
            value: real.posted.requestsPerSecond,
            unit: 'req/s',
            baseline: { label: 'naive ingress', value: naive.posted.requestsPerSecond },
            ratio: real.posted.requestsPerSecond / naive.posted.requestsPerSecond,
            note:
              `real p50 ${real.posted.p50Ms} ms, p99 ${real.posted.p99Ms} ms, ${real.posted.errors} errors, last job ${Math.round(real.progress.totalMs / 1000 - real.posted.seconds)} s after the last 200; ` +
              `naive p50 ${naive.posted.p50Ms} ms, p99 ${naive.posted.p99Ms} ms, ${naive.posted.errors} errors, last job ${Math.round(naive.progress.totalMs / 1000 - naive.posted.seconds)} s after the last 200`,
          },
          {
            figure: 'CPU per action (ingress + worker + sandbox + redis)',
            value: total(real),
            unit: 'ms',
            baseline: { label: 'naive bridge', value: total(naive) },
            ratio: total(real) / total(naive),
            note: `real: ${breakdown(real.cpuMsPerAction)}; naive: ${breakdown(naive.cpuMsPerAction)}; ${machine().cores} cores => at most ~${Math.round((machine().cores * 1000) / total(real))} (real) and ~${Math.round((machine().cores * 1000) / total(naive))} (naive) actions/s`,
          },
          {
            figure: 'redis-server CPU per action',
            value: real.cpuMsPerAction['redis'] ?? Number.NaN,
            unit: 'ms',
            baseline: { label: 'naive bridge', value: naive.cpuMsPerAction['redis'] ?? Number.NaN },
            ratio: (real.cpuMsPerAction['redis'] ?? Number.NaN) / (naive.cpuMsPerAction['redis'] ?? Number.NaN),
            note: `no-op worker (ceiling) ${baseCpuMs['redis']} ms`,
          },
        ],
        details: {
          settings: config,
          firstRefnum: FIRST_REFNUM,
          createSeconds,
          ceiling: { ms: baseProgress.totalMs, rate: ceilingRate, cpuMsPerAction: baseCpuMs, samples: thin(baseProgress) },
          ledger: check,
          naive: { ...naive, progress: undefined, samples: thin(naive.progress), ms: naive.progress.totalMs },
          real: { ...real, progress: undefined, samples: thin(real.progress), ms: real.progress.totalMs },
        },
      };
    });
  },
};

function perAction(cpuSeconds: Record<string, number>, actions: number): Record<string, number> {
  return Object.fromEntries(Object.entries(cpuSeconds).map(([name, seconds]) => [name, Math.round(((seconds * 1000) / actions) * 1000) / 1000]));
}

/** At most ~100 samples for the JSON file. */
function thin(progress: Progress): { t: number; done: number }[] {
  const step = Math.max(1, Math.floor(progress.samples.length / 100));
  return progress.samples.filter((_, index) => index % step === 0 || index === progress.samples.length - 1).map((s) => ({ t: Math.round(s.t), done: s.done }));
}
