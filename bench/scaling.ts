// 7. Scaling: how throughput grows with processes, and what Redis spends per action, as the inputs of a capacity
// plan. Two halves, each on the benchmark's own Redis and a sandbox with no latency:
//   workers   N cancels enqueued ahead (the ingress's producer), drained by 1, then 2 worker processes
//             (WORKER_CONCURRENCY 10 each); jobs/s, worker CPU per job, Redis CPU per job; then the naive worker
//             (bench/servers/naive-worker.ts), 1 process, as context
//   ingress   distinct seed cancels posted for a fixed time to 1, then 2 ingress processes (autocannon, the same
//             connections split between them), no worker running; req/s, ingress CPU per request, Redis CPU per request
// Redis CPU is read from INFO cpu (used_cpu_user + used_cpu_sys) before and after, as an operator would read it on
// any Redis. On this 2-core machine two processes of a role share the cores with the sandbox, Redis and the load
// generator, so the 2-process rows show where the machine saturates (machine CPU column), not what a second core
// would give; the projection therefore works from CPU per action, not from these rates.
import { readFile } from 'node:fs/promises';
import { benchConfig, enqueueCancels, enqueueNaiveCancels, producer, steadyRate, trackUntilDone } from './lib/jobs.js';
import { load, type LoadResult } from './lib/load.js';
import { createSandboxOrders } from './lib/orders.js';
import { SeedCancel } from './lib/payloads.js';
import type { BenchOptions, BenchResult, Benchmark, Figure } from './lib/report.js';
import { withScope } from './lib/scope.js';
import {
  benchQueue,
  cpuMeter,
  redisCpuSeconds,
  startNaiveWorkers,
  startIngressChild,
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
  return quick
    ? // CI's quick run only checks that the script runs: one process per role (the 2-process rows take the same path).
      { workerJobs: 200, concurrency: 10, ingressSeconds: 1, connections: 16, processCounts: [1], projectFor: [1_000, 10_000] }
    : { workerJobs: 8_000, concurrency: 10, ingressSeconds: 8, connections: 64, processCounts: [1, 2], projectFor: [1_000, 10_000] };
}

/** Planning assumptions of the projection: what share of a core a process or a Redis shard is planned at. */
export const PLAN = {
  /** A Node process at more than this share of its core queues work and its latency grows. */
  processCoreShare: 0.7,
  /** Redis' command thread likewise (it also serves replication, INFO, the operator). */
  redisCoreShare: 0.7,
  /** fabric calls per cancel: GET the order, POST the cancel. */
  callsPerAction: 2,
  /** FABRIC_RATE_LIMIT_PER_SECOND's default: calls per second to one tenant. */
  defaultBudget: 100,
  /** A call's latency to a real fabric, for the lanes' bound (the latency-bound benchmark's figure). */
  fabricLatencyMs: 100,
} as const;

interface Phase {
  readonly processes: number;
  readonly perSecond: number;
  /** CPU ms per action: each service process (summed), Redis, the sandbox. */
  readonly serviceCpuMs: number;
  readonly redisCpuMs: number;
  readonly sandboxCpuMs: number;
  /** Share of the machine's cores busy meanwhile (all processes, others' included). */
  readonly machineBusy: number;
  readonly actions: number;
  readonly seconds: number;
  readonly posted?: LoadResult;
}

/** Busy and total jiffies of all cores, from /proc/stat's first line. */
async function machineTicks(): Promise<{ busy: number; total: number }> {
  const line = (await readFile('/proc/stat', 'utf8')).split('\n')[0] ?? '';
  const values = line.trim().split(/\s+/).slice(1).map(Number);
  const total = values.reduce((sum, value) => sum + value, 0);
  const idle = (values[3] ?? 0) + (values[4] ?? 0);
  return { busy: total - idle, total };
}

/** Measures `body` (which returns the actions done and its seconds): CPU of the named processes, Redis, the machine. */
async function measured(
  redis: BenchRedis,
  pids: Record<string, number>,
  body: () => Promise<{ actions: number; seconds: number; perSecond: number; posted?: LoadResult }>,
  processes: number,
): Promise<Phase> {
  const cpu = cpuMeter(pids);
  await cpu.start();
  const redisBefore = await redisCpuSeconds(redis);
  const machineBefore = await machineTicks();
  const result = await body();
  const machineAfter = await machineTicks();
  const redisAfter = await redisCpuSeconds(redis);
  const seconds = await cpu.stop();
  const perAction = (value: number): number => round((value * 1000) / result.actions, 3);
  const service = Object.entries(seconds).filter(([name]) => name !== 'sandbox').reduce((sum, [, value]) => sum + value, 0);
  return {
    processes,
    perSecond: result.perSecond,
    serviceCpuMs: perAction(service),
    redisCpuMs: perAction(redisAfter - redisBefore),
    sandboxCpuMs: perAction(seconds['sandbox'] ?? 0),
    machineBusy: round((machineAfter.busy - machineBefore.busy) / Math.max(1, machineAfter.total - machineBefore.total), 2),
    actions: result.actions,
    seconds: round(result.seconds, 2),
    ...(result.posted ? { posted: result.posted } : {}),
  };
}

async function workerPhase(
  kind: 'real' | 'naive',
  redis: BenchRedis,
  sandbox: RunningSandbox,
  processes: number,
  config: ReturnType<typeof settings>,
  first: number,
  nodeArgs: readonly string[] | undefined,
): Promise<Phase> {
  return withScope(`scaling ${kind} workers x${processes}`, async (scope) => {
    const prefix = uniquePrefix();
    const queue = benchQueue(scope, redis, 'cancel', prefix);
    await queue.pause();
    const common = { prefix, sandboxUrl: sandbox.url, processes, concurrency: config.concurrency, ...(nodeArgs ? { nodeArgs } : {}) };
    let workers: Child[];
    if (kind === 'real') {
      await enqueueCancels(await producer(scope, benchConfig(redis.url, prefix, sandbox.url)), config.workerJobs, (index) => first + index);
      workers = await startWorkerChildren(scope, redis, { ...common, redisUrl: redis.url, queue: 'cancel' });
    } else {
      const seed = new SeedCancel();
      await enqueueNaiveCancels(queue, (refnum) => seed.body(refnum), config.workerJobs, (index) => first + index);
      workers = await startNaiveWorkers(scope, redis, common);
    }
    const pids = { ...Object.fromEntries(workers.map((worker, index) => [`worker ${index + 1}`, worker.pid])), sandbox: sandbox.child.pid };
    const phase = await measured(
      redis,
      pids,
      async () => {
        const started = performance.now();
        await queue.resume();
        const progress = await trackUntilDone(queue, config.workerJobs, started, 300_000, 25);
        const failed = await queue.getFailedCount();
        if (failed > 0) throw new Error(`${failed} of ${config.workerJobs} jobs failed with ${processes} worker process(es)`);
        return { actions: config.workerJobs, seconds: progress.totalMs / 1000, perSecond: steadyRate(progress, config.workerJobs) };
      },
      processes,
    );
    await Promise.all(workers.map((worker) => worker.stop()));
    return phase;
  });
}

async function ingressPhase(redis: BenchRedis, processes: number, config: ReturnType<typeof settings>, first: number, nodeArgs: readonly string[] | undefined): Promise<Phase> {
  return withScope(`scaling ingress x${processes}`, async (scope) => {
    const prefix = uniquePrefix();
    const queue = benchQueue(scope, redis, 'cancel', prefix);
    const ingresses: { url: string; child: Child }[] = [];
    for (let index = 0; index < processes; index += 1) ingresses.push(await startIngressChild(scope, { redisUrl: redis.url, prefix, ...(nodeArgs ? { nodeArgs } : {}) }));
    const seed = new SeedCancel();
    const pids = Object.fromEntries(ingresses.map((ingress, index) => [`ingress ${index + 1}`, ingress.child.pid]));
    const connections = Math.floor(config.connections / processes);
    const phase = await measured(
      redis,
      pids,
      async () => {
        // Far apart refnums per ingress, so no two requests are the same action.
        const results = await Promise.all(
          ingresses.map((ingress, index) => load({ url: ingress.url, connections, duration: config.ingressSeconds, requests: [seed.request(first + index * 1_000_000)] })),
        );
        const ok = results.reduce((sum, result) => sum + result.ok, 0);
        const seconds = Math.max(...results.map((result) => result.seconds));
        const errors = results.reduce((sum, result) => sum + result.errors, 0);
        if (errors > 0) throw new Error(`${errors} errors posting to ${processes} ingress process(es)`);
        return { actions: ok, seconds, perSecond: results.reduce((sum, result) => sum + result.requestsPerSecond, 0), posted: results[0] as LoadResult };
      },
      processes,
    );
    // Every 200 is a stored job (requests cut off at the end may have stored theirs without an answer counted).
    const stored = await queue.count();
    if (stored < phase.actions) throw new Error(`${phase.actions} webhooks answered 200 but ${stored} jobs stored`);
    return phase;
  });
}

export interface Projection {
  readonly actionsPerSecond: number;
  readonly ingressProcesses: number;
  readonly workerProcesses: number;
  /** Redis CPU the load needs, in cores, and the shards (separate queue prefixes) it takes at PLAN.redisCoreShare. */
  readonly redisCores: number;
  readonly redisShards: number;
  /** Tenants needed at the default budget, or the budget one tenant needs. */
  readonly tenantsAtDefaultBudget: number;
  readonly budgetForOneTenant: number;
  /**
   * Jobs in flight at once (Little's law: rate x 2 calls x latency), so worker slots in all, and distinct orders:
   * a lane runs one action of an order at a time.
   */
  readonly ordersInFlight: number;
  /** WORKER_CONCURRENCY each worker process then needs (the default, 10, gives 50 cancels/s a process at 100 ms). */
  readonly concurrencyPerWorker: number;
  readonly firstBottleneck: string;
}

/** The capacity plan for `target` actions/s from the measured CPU per action (ms) of each role. */
export function project(target: number, perAction: { ingress: number; worker: number; redis: number }, redisCapacity: number): Projection {
  const processes = (ms: number): number => Math.ceil((target * ms) / 1000 / PLAN.processCoreShare);
  const redisCores = (target * perAction.redis) / 1000;
  const redisShards = Math.ceil(redisCores / PLAN.redisCoreShare);
  const budget = target * PLAN.callsPerAction;
  const tenants = Math.ceil(budget / PLAN.defaultBudget);
  const ordersInFlight = Math.ceil((target * PLAN.callsPerAction * PLAN.fabricLatencyMs) / 1000);
  const workerProcesses = processes(perAction.worker);
  const firstBottleneck =
    `the fabric budget: ${budget} calls/s, ${tenants} tenants at the default ${PLAN.defaultBudget} calls/s (one tenant binds at ${PLAN.defaultBudget / PLAN.callsPerAction} cancels/s); ` +
    (redisShards > 1
      ? `then Redis CPU: ${round(redisCores, 2)} cores, over one shard's ~${Math.round(redisCapacity)} actions/s, and one queue prefix is one hash slot, so ${redisShards} shards means ${redisShards} prefixes (bridge deployments) splitting the tenants`
      : `Redis CPU next: ${round(redisCores, 2)} cores of one shard (~${Math.round(redisCapacity)} actions/s per shard)`);
  return {
    actionsPerSecond: target,
    ingressProcesses: processes(perAction.ingress),
    workerProcesses,
    redisCores: round(redisCores, 2),
    redisShards,
    tenantsAtDefaultBudget: tenants,
    budgetForOneTenant: budget,
    ordersInFlight,
    concurrencyPerWorker: Math.ceil(ordersInFlight / workerProcesses),
    firstBottleneck,
  };
}

export const scaling: Benchmark = {
  name: 'scaling',
  title: 'Scaling: 1 and 2 worker and ingress processes, Redis CPU per action, a capacity projection',
  async run({ quick, nodeArgs }: BenchOptions): Promise<BenchResult> {
    const config = settings(quick);
    return withScope('scaling', async (scope) => {
      const redis = await startRedis(scope);
      const sandbox = await startSandboxChild(scope, 0);
      const first = 1_000_000;
      await createSandboxOrders(sandbox.client, first, 3 * config.workerJobs);
      const workers: Phase[] = [];
      for (const processes of config.processCounts) {
        await redis.flush();
        workers.push(await workerPhase('real', redis, sandbox, processes, config, first + (processes - 1) * config.workerJobs, nodeArgs));
      }
      // The naive worker alone, for the same figures without an ingress on the cores (context for pipeline's ratio).
      await redis.flush();
      const naive = await workerPhase('naive', redis, sandbox, 1, config, first + 2 * config.workerJobs, nodeArgs);
      const ingress: Phase[] = [];
      for (const processes of config.processCounts) {
        await redis.flush();
        ingress.push(await ingressPhase(redis, processes, config, 10_000_000 * processes, nodeArgs));
      }
      await redis.flush();

      const [w1, w2] = workers as [Phase, Phase | undefined];
      const [i1, i2] = ingress as [Phase, Phase | undefined];
      const perAction = { ingress: i1.serviceCpuMs, worker: w1.serviceCpuMs, redis: round(i1.redisCpuMs + w1.redisCpuMs, 3) };
      const redisCapacity = (PLAN.redisCoreShare * 1000) / perAction.redis;
      const projections = config.projectFor.map((target) => project(target, perAction, redisCapacity));
      const row = (role: string, phase: Phase, one: Phase, unit: string): Figure => ({
        figure: `${role}: ${phase.processes} process${phase.processes > 1 ? 'es' : ''}`,
        value: phase.perSecond,
        unit,
        ...(phase === one ? {} : { baseline: { label: `1 process`, value: one.perSecond }, ratio: phase.perSecond / one.perSecond }),
        note:
          `CPU per action: ${role} ${phase.serviceCpuMs} ms (all its processes), Redis ${phase.redisCpuMs} ms, sandbox ${phase.sandboxCpuMs} ms; ` +
          `machine ${Math.round(phase.machineBusy * 100)} % busy; ${phase.actions} in ${phase.seconds} s`,
      });
      return {
        name: 'scaling',
        title: 'Scaling',
        figures: [
          row('workers', w1, w1, 'jobs/s'),
          ...(w2 ? [row('workers', w2, w1, 'jobs/s')] : []),
          {
            figure: 'naive worker, 1 process (context)',
            value: naive.perSecond,
            unit: 'jobs/s',
            baseline: { label: 'real worker, 1 process', value: w1.perSecond },
            ratio: naive.perSecond / w1.perSecond,
            note: `CPU per action: worker ${naive.serviceCpuMs} ms (real ${w1.serviceCpuMs} ms, ${round(w1.serviceCpuMs / naive.serviceCpuMs, 2)}x), Redis ${naive.redisCpuMs} ms (real ${w1.redisCpuMs} ms); machine ${Math.round(naive.machineBusy * 100)} % busy`,
          },
          row('ingress', i1, i1, 'req/s'),
          ...(i2 ? [row('ingress', i2, i1, 'req/s')] : []),
          {
            figure: 'Redis CPU per action (webhook + job)',
            value: perAction.redis,
            unit: 'ms',
            note: `webhook ${i1.redisCpuMs} ms + job ${w1.redisCpuMs} ms: one Redis core at ${PLAN.redisCoreShare * 100} % serves ~${Math.round(redisCapacity)} actions/s`,
          },
          ...projections.map(
            (p): Figure => ({
              figure: `projection for ${p.actionsPerSecond} actions/s`,
              value: p.ingressProcesses + p.workerProcesses,
              unit: 'processes',
              note:
                `${p.ingressProcesses} ingress + ${p.workerProcesses} worker processes at ${PLAN.processCoreShare * 100} % of a core, Redis ${p.redisCores} cores = ${p.redisShards} shard(s); ` +
                `${p.ordersInFlight} jobs (distinct orders) in flight at ${PLAN.fabricLatencyMs} ms a call: WORKER_CONCURRENCY >= ${p.concurrencyPerWorker}; first bottleneck: ${p.firstBottleneck}`,
            }),
          ),
        ],
        details: { settings: config, plan: PLAN, perAction, redisCapacity, workers, naiveWorker: naive, ingress, projections },
      };
    });
  },
};
