// 5. Memory: Redis used_memory per queued job with N jobs waiting (the ingress's JobQueues.add, one cancel per
// order, beside a bare BullMQ queue.add of the same data), then the RSS of a real worker process starting with those
// N jobs waiting and working through them for the steady run (sandbox latency 40 ms, so the backlog outlasts the
// run). The orders the worker can reach in the run exist in the sandbox: the first ones before it starts, the rest
// created in the background during the warm-up, far ahead of the worker. The worker's own /metrics (METRICS_PORT)
// adds the V8 heap, which tells a leak (a rising heap floor) from the garbage collector's saw-tooth in the RSS.
import { Queue } from 'bullmq';
import { freePort } from '../scripts/redis-server.js';
import { benchConfig, cancelMeta, enqueueCancels, producer } from './lib/jobs.js';
import { createSandboxOrders } from './lib/orders.js';
import type { BenchOptions, BenchResult, Benchmark } from './lib/report.js';
import { withScope } from './lib/scope.js';
import { rssOf, startRedis, startSandboxChild, startWorkerChildren, uniquePrefix, type BenchRedis } from './lib/services.js';
import { mapLimit, median, round, sleep, slope } from './lib/util.js';

export function settings(quick: boolean) {
  return quick
    ? { jobs: 3_000, latencyMs: 40, concurrency: 10, steadySeconds: 6, sampleSeconds: 0.5, warmupSeconds: 2, windowSeconds: 2 }
    : {
        jobs: 100_000,
        latencyMs: 40,
        concurrency: 10,
        // BENCH_MEMORY_STEADY_SECONDS shortens or lengthens the steady run for experiments (default 5 minutes).
        steadySeconds: Number(process.env['BENCH_MEMORY_STEADY_SECONDS'] ?? 300),
        sampleSeconds: 5,
        warmupSeconds: 30,
        windowSeconds: 60,
      };
}

const MB = 1024 * 1024;
const FIRST_REFNUM = 500_000;

/** What BullMQ stores as the job's data: the JSON of {kind, meta, payload}, as enqueueCancels makes it. */
function jobData(index: number) {
  return { kind: 'cancel', meta: cancelMeta(index), payload: { refnum: String(FIRST_REFNUM + index), retailopsOrderId: String(9_000_000 + index) } };
}

async function settledMemory(redis: BenchRedis): Promise<number> {
  await sleep(200);
  return redis.usedMemory();
}

/** V8 heap figures from the worker's own /metrics (prom-client default metrics), or null when unavailable. */
async function heapOf(metricsUrl: string): Promise<{ used: number; total: number } | null> {
  try {
    const text = await (await fetch(metricsUrl, { signal: AbortSignal.timeout(2000) })).text();
    const value = (name: string): number => Number(new RegExp(`^${name} (\\S+)$`, 'm').exec(text)?.[1] ?? Number.NaN);
    const used = value('rob_nodejs_heap_size_used_bytes');
    return Number.isFinite(used) ? { used, total: value('rob_nodejs_heap_size_total_bytes') } : null;
  } catch {
    return null;
  }
}

interface Sample {
  readonly t: number;
  readonly rss: number;
  readonly heapUsed: number | null;
  readonly heapTotal: number | null;
  readonly done: number;
}

export const memory: Benchmark = {
  name: 'memory',
  title: 'Memory: Redis per queued job, worker RSS',
  async run({ quick, nodeArgs }: BenchOptions): Promise<BenchResult> {
    const config = settings(quick);
    return withScope('memory', async (scope) => {
      const redis = await startRedis(scope);
      const sandbox = await startSandboxChild(scope, config.latencyMs);
      // Each cancel is two calls of at least latencyMs: the worker cannot reach further than this in the run.
      const reachable = Math.ceil(((config.steadySeconds * config.concurrency) / ((2 * config.latencyMs) / 1000)) * 1.2);
      const orders = Math.min(config.jobs, reachable);
      const head = Math.min(orders, 2_000);
      await createSandboxOrders(sandbox.client, FIRST_REFNUM, head);
      let payloadTotal = 0;
      for (let index = 0; index < config.jobs; index += 1) payloadTotal += Buffer.byteLength(JSON.stringify(jobData(index)));
      const payload = payloadTotal / config.jobs;

      // Baseline: a bare queue.add of the same data (no job id, no options, no lane) on a plain connection.
      const bareEmpty = await settledMemory(redis);
      const bareQueue = new Queue('cancel', { connection: redis.client, prefix: uniquePrefix() });
      await mapLimit(
        Array.from({ length: config.jobs }, (_, index) => index),
        256,
        (index) => bareQueue.add('cancel', jobData(index)),
      );
      const bareFull = await settledMemory(redis);
      await bareQueue.close();
      await redis.flush();
      const barePerJob = (bareFull - bareEmpty) / config.jobs;

      // The service's own producer: deterministic job ids, retry and retention options, the order's lane.
      const prefix = uniquePrefix();
      const empty = await settledMemory(redis);
      const jobQueues = await producer(scope, benchConfig(redis.url, prefix, sandbox.url));
      const enqueueStarted = performance.now();
      await enqueueCancels(jobQueues, config.jobs, (index) => FIRST_REFNUM + index);
      const enqueueSeconds = (performance.now() - enqueueStarted) / 1000;
      const full = await settledMemory(redis);
      const perJob = (full - empty) / config.jobs;
      const queue = jobQueues.queue('cancel');
      // One binding enqueues them all, so past TENANT_BURST_CALLS they wait in the prioritized set (a burst): both count.
      const waitingAtStart = await queue.getJobCountByTypes('wait', 'prioritized');
      if (waitingAtStart !== config.jobs) throw new Error(`${waitingAtStart} jobs waiting, expected ${config.jobs}`);
      const sampleJob = (await queue.getWaiting(0, 0))[0];
      const jobKeyBytes = sampleJob?.id ? Number(await redis.client.call('MEMORY', 'USAGE', `${prefix}:cancel:${sampleJob.id}`)) : Number.NaN;

      // Worker RSS: one real worker process starting with every job waiting.
      const metricsPort = await freePort();
      const [worker] = await startWorkerChildren(scope, redis, {
        redisUrl: redis.url,
        prefix,
        sandboxUrl: sandbox.url,
        processes: 1,
        concurrency: config.concurrency,
        queue: 'cancel',
        extra: { METRICS_PORT: String(metricsPort) },
        ...(nodeArgs ? { nodeArgs } : {}),
      });
      if (!worker) throw new Error('no worker started');
      const creating = createSandboxOrders(sandbox.client, FIRST_REFNUM + head, orders - head, 8).then(
        () => null,
        (error: unknown) => error,
      );
      const samples: Sample[] = [];
      const started = performance.now();
      for (;;) {
        const t = (performance.now() - started) / 1000;
        const [rss, counts, heap] = await Promise.all([
          rssOf(worker.pid),
          queue.getJobCounts('completed', 'failed'),
          heapOf(`http://127.0.0.1:${metricsPort}/metrics`),
        ]);
        samples.push({ t: round(t, 1), rss, heapUsed: heap?.used ?? null, heapTotal: heap?.total ?? null, done: (counts['completed'] ?? 0) + (counts['failed'] ?? 0) });
        if (t >= config.steadySeconds) break;
        await sleep(config.sampleSeconds * 1000 - ((performance.now() - started) % (config.sampleSeconds * 1000)));
      }
      const creationError = await creating;
      if (creationError) throw creationError;
      const waitingAtEnd = await queue.getWaitingCount();
      const failed = await queue.getFailedCount();
      const usedAtEnd = await redis.usedMemory();
      await worker.stop();

      const steady = samples.filter((sample) => sample.t >= config.warmupSeconds);
      const first = steady.filter((sample) => sample.t < config.warmupSeconds + config.windowSeconds);
      const last = steady.filter((sample) => sample.t > config.steadySeconds - config.windowSeconds);
      const rssOfWindow = (window: Sample[]) => ({
        median: median(window.map((sample) => sample.rss)),
        max: Math.max(...window.map((sample) => sample.rss)),
      });
      // The heap's floor in a window (its lowest used size, just after a collection): it rises only with a leak.
      const heapFloor = (window: Sample[]): number | null => {
        const used = window.map((sample) => sample.heapUsed).filter((value): value is number => value !== null);
        return used.length > 0 ? Math.min(...used) : null;
      };
      const rssFirst = rssOfWindow(first);
      const rssLast = rssOfWindow(last);
      const floorFirst = heapFloor(first);
      const floorLast = heapFloor(last);
      const floorGrowth = floorFirst !== null && floorLast !== null ? floorLast - floorFirst : null;
      const floorLimit = Math.max(5 * MB, 0.1 * (floorFirst ?? 0));
      const maxRss = Math.max(...samples.map((sample) => sample.rss));
      const minRss = Math.min(...steady.map((sample) => sample.rss));
      const firstRss = samples[0]?.rss ?? Number.NaN;
      const mbPerMinute = slope(steady.map((sample) => ({ x: sample.t / 60, y: sample.rss / MB })));
      const processed = (samples.at(-1)?.done ?? 0) - (samples[0]?.done ?? 0);
      const mb = (bytes: number | null): string => (bytes === null ? '?' : String(round(bytes / MB, 1)));

      return {
        name: 'memory',
        title: 'Memory',
        figures: [
          {
            figure: `Redis per queued job beyond its payload (${config.jobs} waiting)`,
            value: perJob - payload,
            unit: 'B',
            baseline: { label: 'bare queue.add of the same data', value: barePerJob - payload },
            ratio: (perJob - payload) / (barePerJob - payload),
            target: '<= 2048 B',
            met: perJob - payload <= 2048,
            note: `${Math.round(perJob)} B per job in all, payload ${Math.round(payload)} B; one job hash ${jobKeyBytes} B (MEMORY USAGE)`,
          },
          {
            figure: `worker RSS, max over the run (${config.jobs} waiting at start)`,
            value: maxRss / MB,
            unit: 'MB',
            target: '<= 200 MB',
            met: maxRss <= 200 * MB,
            note: `${mb(firstRss)} MB right after start; between ${mb(minRss)} and ${mb(maxRss)} MB after the warm-up`,
          },
          {
            figure: `worker heap floor growth over a ${config.steadySeconds} s run`,
            value: floorGrowth === null ? Number.NaN : floorGrowth / MB,
            unit: 'MB',
            target: `no growth (<= ${mb(floorLimit)} MB between the first and last ${config.windowSeconds} s after a ${config.warmupSeconds} s warm-up)`,
            met: floorGrowth !== null && floorGrowth <= floorLimit,
            note: `heap floor ${mb(floorFirst)} -> ${mb(floorLast)} MB`,
          },
          {
            figure: `worker RSS over the same windows`,
            value: (rssLast.median - rssFirst.median) / MB,
            unit: 'MB (median change)',
            note: `median ${mb(rssFirst.median)} -> ${mb(rssLast.median)} MB, peak ${mb(rssFirst.max)} -> ${mb(rssLast.max)} MB, slope ${round(mbPerMinute, 2)} MB/min; ${processed} jobs processed, ${failed} failed, ${waitingAtEnd} still waiting`,
          },
        ],
        details: {
          settings: { ...config, ordersCreated: orders },
          redis: { empty, full, perJob, payload, barePerJob, jobKeyBytes, usedAtEnd, enqueueSeconds },
          worker: {
            samples: samples.map((sample) => ({
              t: sample.t,
              rssMB: round(sample.rss / MB, 1),
              heapUsedMB: sample.heapUsed === null ? null : round(sample.heapUsed / MB, 1),
              heapTotalMB: sample.heapTotal === null ? null : round(sample.heapTotal / MB, 1),
              done: sample.done,
            })),
            waitingAtStart,
            waitingAtEnd,
            failed,
            processed,
          },
        },
      };
    });
  },
};
