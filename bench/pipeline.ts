// 2. Pipeline: N distinct cancels posted to the real ingress (autocannon) and processed end to end by a real worker
// process against the sandbox (no latency; every order exists and is open, so each action is a GET and a cancel),
// beside a bare BullMQ worker with a no-op processor at the same concurrency draining N jobs.
import { finishedCount, trackUntilDone, type Progress } from './lib/jobs.js';
import { load, type LoadResult } from './lib/load.js';
import { createSandboxOrders } from './lib/orders.js';
import { SeedCancel } from './lib/payloads.js';
import { machine, type BenchOptions, type BenchResult, type Benchmark } from './lib/report.js';
import { withScope } from './lib/scope.js';
import {
  benchQueue,
  startBareWorker,
  startIngressChild,
  startRedis,
  startSandboxChild,
  startWorkerChildren,
  uniquePrefix,
  cpuMeter,
} from './lib/services.js';
import { cancelMeta } from './lib/jobs.js';

export function settings(quick: boolean) {
  // WORKER_CONCURRENCY's default (10): the configuration a deployment starts with.
  return quick ? { actions: 500, concurrency: 10, connections: 32 } : { actions: 20_000, concurrency: 10, connections: 64 };
}

const FIRST_REFNUM = 100_000;

export const pipeline: Benchmark = {
  name: 'pipeline',
  title: 'Pipeline: ingress -> queue -> worker -> sandbox',
  async run({ quick, nodeArgs }: BenchOptions): Promise<BenchResult> {
    const config = settings(quick);
    return withScope('pipeline', async (scope) => {
      const redis = await startRedis(scope);
      const sandbox = await startSandboxChild(scope, 0);
      // autocannon builds one request per connection ahead, so a few refnums past N are used.
      const ordersCreated = config.actions + config.connections * 2 + 16;
      const creating = performance.now();
      await createSandboxOrders(sandbox.client, FIRST_REFNUM, ordersCreated);
      const createSeconds = (performance.now() - creating) / 1000;

      // Baseline: N jobs like the ingress makes (same data), paused while added, then drained by a no-op worker.
      const basePrefix = uniquePrefix();
      const baseQueue = benchQueue(scope, redis, 'cancel', basePrefix);
      await baseQueue.pause();
      const bare = await startBareWorker(scope, redis, { prefix: basePrefix, queue: 'cancel', concurrency: config.concurrency });
      for (let offset = 0; offset < config.actions; offset += 1000) {
        const size = Math.min(1000, config.actions - offset);
        await baseQueue.addBulk(
          Array.from({ length: size }, (_, index) => ({
            name: 'cancel',
            data: { kind: 'cancel', meta: cancelMeta(offset + index), payload: { refnum: String(offset + index), retailopsOrderId: null } },
          })),
        );
      }
      const baseCpu = cpuMeter({ worker: bare.pid, redis: redis.pid });
      await baseCpu.start();
      const baseStarted = performance.now();
      await baseQueue.resume();
      const baseProgress = await trackUntilDone(baseQueue, config.actions, baseStarted, 120_000, 10);
      const baseCpuSeconds = await baseCpu.stop();
      await bare.stop();
      const baselineRate = (config.actions / baseProgress.totalMs) * 1000;
      await redis.flush();

      // The pipeline: ingress and one worker process, posting N distinct seed cancels.
      const prefix = uniquePrefix();
      const queue = benchQueue(scope, redis, 'cancel', prefix);
      const services = { redisUrl: redis.url, prefix, sandboxUrl: sandbox.url, ...(nodeArgs ? { nodeArgs } : {}) };
      const [worker] = await startWorkerChildren(scope, redis, { ...services, processes: 1, concurrency: config.concurrency, queue: 'cancel' });
      const ingress = await startIngressChild(scope, services);
      const seed = new SeedCancel();
      const cpu = cpuMeter({ ingress: ingress.child.pid, worker: worker?.pid ?? -1, sandbox: sandbox.child.pid, redis: redis.pid, 'load generator': process.pid });
      await cpu.start();
      const started = performance.now();
      const [posted, progress] = await Promise.all([
        load({ url: ingress.url, connections: config.connections, amount: config.actions, requests: [seed.request(FIRST_REFNUM)] }),
        trackUntilDone(queue, config.actions, performance.now(), 300_000, 25),
      ]);
      const totalSeconds = (performance.now() - started) / 1000;
      const cpuSeconds = await cpu.stop();
      const cpuMsPerAction = perAction(cpuSeconds, config.actions);
      const cpuTotal = Object.entries(cpuMsPerAction).filter(([name]) => name !== 'load generator').reduce((sum, [, ms]) => sum + ms, 0);
      const counts = await queue.getJobCounts('completed', 'failed', 'waiting', 'active', 'delayed');
      const rate = config.actions / (progress.totalMs / 1000);
      const extra = (await finishedCount(queue)) - config.actions;

      return {
        name: 'pipeline',
        title: 'Pipeline',
        figures: [
          {
            figure: `actions/s end to end (${config.actions} cancels, concurrency ${config.concurrency})`,
            value: rate,
            unit: 'actions/s',
            baseline: { label: `bare BullMQ worker, no-op, concurrency ${config.concurrency}`, value: baselineRate },
            ratio: rate / baselineRate,
            target: '>= 0.5x bare worker',
            met: rate / baselineRate >= 0.5,
            note: `${counts['completed'] ?? 0} completed, ${counts['failed'] ?? 0} failed`,
          },
          {
            figure: 'ingress accept rate during the pipeline run',
            value: posted.requestsPerSecond,
            unit: 'req/s',
            note: `p50 ${posted.p50Ms} ms, p99 ${posted.p99Ms} ms, ${posted.errors} errors; last job done ${Math.round(progress.totalMs / 1000 - posted.seconds)} s after the last 200`,
          },
          {
            figure: 'CPU per action (ingress + worker + sandbox + redis)',
            value: cpuTotal,
            unit: 'ms',
            baseline: { label: 'bare worker + redis', value: Object.values(perAction(baseCpuSeconds, config.actions)).reduce((sum, ms) => sum + ms, 0) },
            note: `${Object.entries(cpuMsPerAction).map(([name, ms]) => `${name} ${ms} ms`).join(', ')}; ${machine().cores} cores => at most ~${Math.round((machine().cores * 1000) / cpuTotal)} actions/s`,
          },
        ],
        details: {
          settings: config,
          cpuSeconds: { pipeline: cpuSeconds, baseline: baseCpuSeconds },
          ordersCreated,
          createSeconds,
          baseline: { ms: baseProgress.totalMs, rate: baselineRate, samples: thin(baseProgress) },
          pipeline: { ms: progress.totalMs, totalSeconds, rate, counts, extraJobs: extra, posted: posted satisfies LoadResult, samples: thin(progress) },
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
