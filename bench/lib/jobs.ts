import type { Queue } from 'bullmq';
import { pino } from 'pino';
import { loadConfig, type Config } from '../../shared/config.js';
import { JobQueues } from '../../shared/jobs/producer.js';
import type { JobMeta } from '../../shared/jobs/contract.js';
import { closeRedis, createRedis, waitForReady } from '../../shared/redis.js';
import type { Scope } from './scope.js';
import { TOKENS_ENV, fabricEnv } from './services.js';
import { mapLimit, sleep } from './util.js';

const silent = pino({ level: 'silent' });

/** The service configuration the benchmark process itself uses (loadConfig, as the test harness does). */
export function benchConfig(redisUrl: string, prefix: string, sandboxUrl?: string): Config {
  return loadConfig({
    REDIS_URL: redisUrl,
    QUEUE_PREFIX: prefix,
    RETAILOPS_AUTH_TOKENS: TOKENS_ENV,
    ...(sandboxUrl ? fabricEnv(sandboxUrl) : {}),
  });
}

/** The ingress's own producer (auto-pipelined connection, JobQueues.add): jobs exactly as a webhook makes them. */
export async function producer(scope: Scope, config: Config): Promise<JobQueues> {
  const redis = createRedis(config.redisUrl as string, 'producer', silent, 'bench-producer');
  scope.defer('producer connection', redis, closeRedis);
  await waitForReady(redis, 10_000);
  return scope.defer('producer queues', new JobQueues(redis, config, silent), (queues) => queues.close());
}

export function cancelMeta(index: number): JobMeta {
  return {
    clientId: '497',
    channelId: '21',
    bindingKey: 'default',
    requestId: `bench-${index.toString(36)}-0123456789abcdef`,
    receivedAt: new Date().toISOString(),
    sourceAction: 'testco.orderpull.order_fetch',
  };
}

/** Enqueues `count` distinct cancel jobs; job `i` cancels order `refnumOf(i)`. */
export async function enqueueCancels(queues: JobQueues, count: number, refnumOf: (index: number) => number, inFlight = 256): Promise<void> {
  const indexes = Array.from({ length: count }, (_, index) => index);
  await mapLimit(indexes, inFlight, async (index) => {
    await queues.add('cancel', cancelMeta(index), { refnum: String(refnumOf(index)), retailopsOrderId: String(9_000_000 + index) });
  });
}

export async function finishedCount(queue: Queue): Promise<number> {
  const counts = await queue.getJobCounts('completed', 'failed');
  return (counts['completed'] ?? 0) + (counts['failed'] ?? 0);
}

export interface Progress {
  /** ms since `startedAt`, jobs finished (completed or failed). */
  readonly samples: { t: number; done: number }[];
  /** ms from start until the last job finished. */
  readonly totalMs: number;
}

/** Polls the finished count every `intervalMs` from `startedAt` (performance.now()) until `total` jobs are done. */
export async function trackUntilDone(queue: Queue, total: number, startedAt: number, timeoutMs: number, intervalMs = 25): Promise<Progress> {
  const samples: { t: number; done: number }[] = [];
  for (;;) {
    const done = await finishedCount(queue);
    const t = performance.now() - startedAt;
    samples.push({ t, done });
    if (done >= total) return { samples, totalMs: t };
    if (t > timeoutMs) throw new Error(`only ${done} of ${total} jobs finished after ${Math.round(t)} ms`);
    await sleep(intervalMs);
  }
}

/** Steady-state rate: jobs per second between the samples where 10 % and 90 % of `total` were done. */
export function steadyRate(progress: Progress, total: number): number {
  const from = progress.samples.find((sample) => sample.done >= total * 0.1);
  const to = progress.samples.find((sample) => sample.done >= total * 0.9);
  if (!from || !to || to.t <= from.t) return (total / progress.totalMs) * 1000;
  return ((to.done - from.done) / (to.t - from.t)) * 1000;
}

/**
 * Enqueues `count` cancels as the naive ingress makes them (bench/servers/bare-http.ts, `add` mode): the webhook body, parsed,
 * under BullMQ's random ids; job `i` cancels order `refnumOf(i)`.
 */
export async function enqueueNaiveCancels(queue: Queue, bodyOf: (refnum: number) => string, count: number, refnumOf: (index: number) => number): Promise<void> {
  for (let offset = 0; offset < count; offset += 1000) {
    const size = Math.min(1000, count - offset);
    await queue.addBulk(Array.from({ length: size }, (_, index) => ({ name: 'cancel', data: JSON.parse(bodyOf(refnumOf(offset + index))) as unknown })));
  }
}
