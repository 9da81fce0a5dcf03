// The BullMQ queues, created once per process on a connection its owner closes. `add` is the only way jobs are
// made, so every job gets the same retry and retention policy.
import { Job, Queue, SpanKind, trace, type DefaultJobOptions, type JobsOptions } from 'bullmq';
import type { RedisClient } from '../redis.js';
import type { Logger } from '../logger.js';
import type { Config } from '../config.js';
import { randomUUID } from 'node:crypto';
import { OrderLanes } from '../order-lanes.js';
import { BURST_PRIORITY, BurstMeter } from './burst-meter.js';
import type { InventoryChunk } from '../inventory/split-push.js';
import { InventoryPushTracker } from '../inventory/push-tracker.js';
import { noteJob } from '../archive/webhook-archive.js';
import { activeTracing } from '../telemetry/tracing.js';
import { JOB_KINDS, QUEUE_NAMES, jobCalls, jobDisplayName, jobIdFor, jobLane, orderRefnums, queueOf, syncJob, type JobData, type JobKind, type JobMeta, type JobPayload, type QueueName } from './contract.js';

export function defaultJobOptions(config: Config): DefaultJobOptions {
  return {
    attempts: config.jobs.attempts,
    // Delay maths lives in workers/failure-policy.ts (the worker's backoffStrategy): Retry-After and jitter.
    backoff: { type: 'fabric', delay: config.jobs.backoffMs },
    removeOnComplete: { age: config.dedupWindowSeconds },
    removeOnFail: { age: Math.max(config.failedRetentionSeconds, config.dedupWindowSeconds) },
  };
}

/** An add whose job already existed (a redelivered webhook within DEDUP_WINDOW_SECONDS): nothing new was queued. */
export interface DeduplicatedAdd {
  readonly queue: QueueName;
}

/** What an add did: the job's queue and id, and whether that job already existed (nothing new was queued). */
export interface AddedJob {
  readonly queue: QueueName;
  readonly jobId: string;
  readonly deduplicated: boolean;
}

export type DeduplicatedListener = (add: DeduplicatedAdd) => void;

export class JobQueues {
  readonly #queues: Map<QueueName, Queue>;

  readonly #lanes: OrderLanes;
  readonly #pushes: InventoryPushTracker;
  readonly #bursts: BurstMeter;
  readonly #redis: RedisClient;
  readonly #logger: Logger;
  readonly #deduplicatedListeners: DeduplicatedListener[] = [];
  readonly #jobOptions: DefaultJobOptions;

  constructor(connection: RedisClient, config: Config, logger: Logger) {
    this.#redis = connection;
    this.#jobOptions = defaultJobOptions(config);
    this.#logger = logger;
    this.#lanes = new OrderLanes(connection, config.queuePrefix);
    this.#bursts = new BurstMeter(config.tenantBurst.calls, config.tenantBurst.windowMs);
    this.#pushes = new InventoryPushTracker(connection, config.queuePrefix, Math.max(config.dedupWindowSeconds, config.failedRetentionSeconds));
    this.#queues = new Map(
      QUEUE_NAMES.map((name) => {
        const queue = new Queue(name, {
          connection,
          prefix: config.queuePrefix,
          defaultJobOptions: this.#jobOptions,
          // The ingress must fail fast when RedisClient is away: never wait for a reconnect inside a request.
          skipWaitingForReady: true,
          // A producer span per add, whose context the job carries to the worker (undefined: tracing is off).
          telemetry: activeTracing()?.bullmq,
        });
        // The connection's owner logs outages (shared/redis.ts); without a listener BullMQ prints each error.
        queue.on('error', (error) => logger.debug({ err: error, queue: name }, 'queue error'));
        return [name, queue];
      }),
    );
  }

  queue(name: QueueName): Queue {
    const queue = this.#queues.get(name);
    if (!queue) throw new Error(`unknown queue ${name}`);
    return queue;
  }

  all(): Queue[] {
    return [...this.#queues.values()];
  }

  /**
   * Adds the job under its deterministic id (a duplicate of a retained job adds nothing, and is logged and told to
   * the onDeduplicated listeners, as a 200 without a new job would otherwise leave no trace),
   * then, for an action on one order, appends it to that order's lane (shared/order-lanes.ts). Both happen before
   * the caller answers 200; a failure of either is a 503 and RetailOPS' retry repeats both harmlessly. The payload
   * is not validated again here: its type is the contract, and the worker parses what it takes from Redis.
   * `wanted` replaces the deterministic id (`ops replay` enqueues an archived action again under a fresh one).
   *
   * One round trip: BullMQ's add script, then the stored creation time, the lane and the webhook's archive entry are
   * sent together on the auto-pipelined connection, in that order (the lane never names a job not yet stored), with
   * whatever else the request sends in the same tick (its pending events' read). Queue.add would wait for the add's
   * answer before the rest could be sent; Job.addJob queues the script at once, as BullMQ's own addBulk does.
   */
  async add<K extends JobKind>(kind: K, meta: JobMeta, payload: JobPayload<K>, wanted = jobIdFor(kind, meta.clientId, meta.channelId, payload)): Promise<AddedJob> {
    const name = queueOf(kind);
    const queue = this.queue(name);
    const data: JobData<K> = { kind, meta, payload };
    const displayName = jobDisplayName(kind, meta, payload);
    const lane = jobLane(kind, meta.bindingKey, payload);
    const options: JobsOptions = { ...this.#jobOptions, jobId: wanted, ...this.#burstOptions(meta, jobCalls(kind, payload)) };
    // As Queue.add does: a producer span when tracing is on, whose context the job carries to its worker.
    return trace(queue.opts.telemetry, SpanKind.PRODUCER, name, 'add', `${name}.${displayName}`, async (_span, propagation) => {
      const client = await queue.getBackend().client;
      const job = new Job(queue, displayName, data, propagation ? { ...options, telemetry: { metadata: propagation } } : options, wanted);
      const [, stored] = await Promise.all([
        job.addJob(client),
        this.#redis.hget(queue.toKey(wanted), 'timestamp'),
        lane !== null ? this.#lanes.join(lane, { queue: name, jobId: wanted }) : undefined,
        // The request's webhook archive entry (shared/archive/webhook-archive.ts).
        noteJob(meta, wanted, kind, orderRefnums(kind, payload), payload),
      ]);
      // A duplicate id adds nothing (the script answers the existing id): only the stored creation time, not this
      // call's, tells it apart. Two identical webhooks in the same millisecond both read as new.
      const deduplicated = stored !== null && stored !== String(job.timestamp);
      if (deduplicated) {
        // reqId as on the request's own lines: the webhook, its answer and the job it was folded into line up.
        this.#logger.info({ reqId: meta.requestId, jobId: wanted, queue: name, kind, deduplicated: true }, 'webhook deduplicated: its job already exists');
        for (const listener of this.#deduplicatedListeners) listener({ queue: name });
      }
      return { queue: name, jobId: wanted, deduplicated };
    });
  }

  /**
   * Adds one inventory push: its parts as jobs of their own ids (a later push of the same quantities must apply
   * again, so there is no deduplication by content; a redelivered push sets the same values twice, which is harmless),
   * each appended to its lane. The push is recorded first, then the jobs in one MULTI, then the lanes in one pipeline;
   * all before the caller answers 200. Returns the push id.
   */
  async addInventoryPush(meta: JobMeta, chunks: readonly InventoryChunk[], unknownSku: JobPayload<'inventory.push'>['unknownSku']): Promise<string> {
    const pushId = randomUUID();
    const queue = this.queue(queueOf('inventory.push'));
    const jobs = chunks.map((chunk) => {
      const payload: JobPayload<'inventory.push'> = { pushId, lane: chunk.lane, writes: chunk.writes, unknownSku };
      const data: JobData<'inventory.push'> = { kind: 'inventory.push', meta, payload };
      const jobId = jobIdFor('inventory.push', meta.clientId, meta.channelId, payload);
      const opts = { ...JOB_KINDS['inventory.push'].options, jobId, ...this.#burstOptions(meta, chunk.writes.length) };
      return { name: jobDisplayName('inventory.push', meta, payload), data, opts, lane: chunk.lane };
    });
    await this.#pushes.start(pushId, jobs.length, { clientId: meta.clientId, channelId: meta.channelId, bindingKey: meta.bindingKey, receivedAt: meta.receivedAt });
    await queue.addBulk(jobs.map(({ name, data, opts }) => ({ name, data, opts })));
    // The webhook archive keeps the job ids, not the writes (a whole catalogue).
    for (const job of jobs) void noteJob(meta, job.opts.jobId, 'inventory.push', [], undefined);
    await this.#lanes.joinAll(jobs.map((job) => [{ family: 'inventory', bindingKey: meta.bindingKey, id: job.lane }, { queue: 'inventory', jobId: job.opts.jobId }]));
    return pushId;
  }

  /** A job of a binding in a burst (burst-meter.ts) waits in the prioritized set, behind everyone else's. */
  #burstOptions(meta: JobMeta, calls: number): { priority?: number } {
    return this.#bursts.record(meta.bindingKey, calls) ? { priority: BURST_PRIORITY } : {};
  }

  /** Tells `listener` of every add whose job already existed (the ingress counts them in its metrics). */
  onDeduplicated(listener: DeduplicatedListener): void {
    this.#deduplicatedListeners.push(listener);
  }

  /** Asks for an order sync of one channel binding; while one is waiting, another request joins it. */
  async requestSync(meta: JobMeta): Promise<void> {
    const { key, data, options } = syncJob(meta);
    await this.queue(queueOf('order.sync')).add(jobDisplayName('order.sync', meta, data.payload), data, { deduplication: { id: key }, ...options });
  }

  async close(): Promise<void> {
    await Promise.all(this.all().map((queue) => queue.close()));
  }
}
