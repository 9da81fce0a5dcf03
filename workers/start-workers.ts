import { Queue, Worker, type Job } from 'bullmq';
import { createMetrics, type Metrics } from '../shared/metrics.js';
import type { Logger } from 'pino';
import type { Config } from '../shared/config.js';
import { EVENT_CODES } from '../shared/events/codes.js';
import { EventStore } from '../shared/events/store.js';
import { FabricClients } from '../shared/fabric/clients.js';
import { ChannelRegistry } from '../shared/channel-registry.js';
import { InboxStore } from '../shared/inbox/store.js';
import { BULLMQ_MAX_STALLED_COUNT, forgetStalls } from '../shared/jobs/stalls.js';
import { OrderLanes, type JobLiveness } from '../shared/order-lanes.js';
import { QUEUE_NAMES, jobLane, queueOf, type JobData } from '../shared/jobs/contract.js';
import { closeRedis, distinctErrorLogger, openServiceRedis, type RedisClient } from '../shared/redis.js';
import { backoffDelay, failedForGood } from './failure-policy.js';
import { buildProcessor } from './process-job.js';
import { scheduleOrderSync } from './order-sync-schedule.js';
import { TenantAdmission } from './admission.js';
import { activeTracing } from '../shared/telemetry/tracing.js';
import { InventoryPushTracker } from '../shared/inventory/push-tracker.js';
import { endPushPart, type PushSummaryDeps } from './inventory/push-summary.js';

export interface RunningWorkers {
  readonly workers: readonly Worker[];
  /** The queues this process reads (lanes, metrics). */
  readonly queues: readonly Queue[];
  readonly redis: RedisClient;
  readonly metrics: Metrics;
  /**
   * Stops taking jobs and waits for the active ones, at most `timeoutMs` (default SHUTDOWN_TIMEOUT_MS); jobs still
   * running then are abandoned to be taken back as stalled jobs by another worker (or this one after a restart).
   */
  close(timeoutMs?: number): Promise<void>;
}

/**
 * One BullMQ Worker per queue in WORKER_QUEUES, sharing a processor; plus, when this process serves the order
 * queue, the repeatable order sync of every channel binding.
 */
export async function startWorkers(
  config: Config,
  logger: Logger,
  metrics: Metrics = createMetrics(),
  // The process's live bindings (a reload changes them): fabric clients and the order sync schedule follow them.
  channels: ChannelRegistry = ChannelRegistry.fromConfig(config),
): Promise<RunningWorkers> {
  // Only the first connection is bounded: once running, the workers wait for Redis for ever (an outage is survived).
  const redis = await openServiceRedis(config.redisUrl, 'worker', logger, 'worker', config.redisCluster);
  const events = new EventStore(redis, { prefix: config.queuePrefix, ...config.events }, logger, metrics);
  const inbox = new InboxStore(redis, config.queuePrefix);
  const lanes = new OrderLanes(redis, config.queuePrefix);
  const inventoryPushes = new InventoryPushTracker(redis, config.queuePrefix, Math.max(config.dedupWindowSeconds, config.failedRetentionSeconds));
  const readers = new Map(
    QUEUE_NAMES.map((name) => {
      const reader = new Queue(name, { connection: redis, prefix: config.queuePrefix });
      reader.on('error', (error) => logger.debug({ err: error, queue: name }, 'queue reader error'));
      return [name, reader];
    }),
  );
  const isLive: JobLiveness = async ({ queue, jobId }) => {
    const state = await readers.get(queue)?.getJobState(jobId);
    return state !== undefined && state !== 'completed' && state !== 'failed' && state !== 'unknown';
  };
  const fabricClients = new FabricClients(config, logger, redis, metrics, channels);
  const admission = new TenantAdmission(redis, config, channels, metrics);
  const deps = { config, fabricClients, events, inbox, inventoryPushes, lanes, admission, isLive, logger, metrics, redis };
  const processor = buildProcessor(deps);
  const backoff = { baseMs: config.jobs.backoffMs, maxMs: config.jobs.backoffMaxMs };

  const workers = config.worker.queues.map((name) => {
    const worker = new Worker(name, processor, {
      connection: redis,
      prefix: config.queuePrefix,
      concurrency: config.worker.concurrency,
      lockDuration: config.worker.lockDurationMs,
      stalledInterval: config.worker.stalledIntervalMs,
      maxStalledCount: BULLMQ_MAX_STALLED_COUNT,
      settings: { backoffStrategy: (attemptsMade, _type, error) => backoffDelay(attemptsMade, backoff, error) },
      // A consumer span per attempt, a child of the producer's (the webhook's trace); undefined: tracing is off.
      telemetry: activeTracing()?.bullmq,
    });
    // A Redis outage makes each Worker emit every failed reconnect: one line per distinct message is enough.
    worker.on('error', distinctErrorLogger((error) => logger.error({ err: error, queue: name }, 'worker error')));
    // Leaving the lane once BullMQ has recorded the outcome lets the order's next action start at once.
    const leave = (job: Job | undefined) => {
      const data = job?.data as JobData | undefined;
      const lane = data ? jobLane(data.kind, data.meta.bindingKey, data.payload) : null;
      if (!job?.id || !data || lane === null) return;
      deps.lanes.leave(lane, { queue: name, jobId: job.id }).catch((error: unknown) => {
        logger.warn({ err: error, jobId: job.id }, 'lane not updated; the next job of the order will clean it');
      });
    };
    worker.on('completed', leave);
    worker.on('failed', (job) => {
      if (job && failedForGood(job)) {
        leave(job);
        endFailedPushPart(deps, job);
      }
      // Its event is stored; a retry by an operator (Bull Board or the CLI) starts with WORKER_MAX_STALLS again.
      if (job?.failedReason.startsWith(EVENT_CODES.JOB_STALLED)) {
        forgetStalls(redis, job).catch((error: unknown) => logger.warn({ err: error, jobId: job.id }, 'stall count not reset'));
      }
    });
    worker.on('stalled', (jobId) => {
      metrics.jobsStalled.inc({ queue: name });
      logger.warn({ jobId, queue: name }, 'job taken back from a lost worker: it runs again, re-reading fabric first');
    });
    // The attempt still running in this process must not act any more: its signal makes the job-lock fence refuse.
    worker.on('lockRenewalFailed', (jobIds) => {
      for (const jobId of jobIds) worker.cancelJob(jobId, 'lock renewal failed');
      logger.warn({ jobIds, queue: name }, 'job locks lost: those attempts will stop before their next change to fabric');
    });
    return worker;
  });

  const stopSyncSchedule = config.worker.queues.includes(queueOf('order.sync'))
    ? await scheduleOrderSync(config, channels, redis, logger)
    : async () => undefined;
  await Promise.all(workers.map((worker) => worker.waitUntilReady()));
  logger.info({ queues: config.worker.queues, concurrency: config.worker.concurrency }, 'workers running');

  return {
    workers,
    queues: [...readers.values()],
    redis,
    metrics,
    close: async (timeoutMs = config.shutdownTimeoutMs) => {
      await stopSyncSchedule();
      const graceful = Promise.all(workers.map((worker) => worker.close()));
      let timer: NodeJS.Timeout | undefined;
      const timedOut = await Promise.race([
        graceful.then(() => false),
        new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(true), timeoutMs))),
      ]);
      clearTimeout(timer);
      if (timedOut) {
        logger.warn({ timeoutMs }, 'active jobs did not finish in time: leaving them to be retried as stalled');
        await Promise.all(workers.map((worker) => worker.close(true)));
      }
      await fabricClients.close(timedOut);
      await Promise.all([...readers.values()].map((queue) => queue.close()));
      await closeRedis(redis);
    },
  };
}

/** A part of an inventory push that failed for good still ends: the push's summary must not wait for it for ever. */
function endFailedPushPart(deps: PushSummaryDeps & { readonly logger: Logger }, job: Job): void {
  const data = job.data as JobData | undefined;
  if (data?.kind !== 'inventory.push' || !job.id) return;
  const { pushId } = data.payload as JobData<'inventory.push'>['payload'];
  endPushPart(deps, pushId, job.id).catch((error: unknown) => {
    deps.logger.warn({ err: error, jobId: job.id, pushId }, 'inventory push summary not reported: its unknown and refused skus reach RetailOPS only in this log');
  });
}
