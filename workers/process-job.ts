import { DelayedError, UnrecoverableError, type Job } from 'bullmq';
import type { Logger } from 'pino';
import type { Config } from '../shared/config.js';
import type { EventStore } from '../shared/events/store.js';
import { FabricError } from '../shared/fabric/errors.js';
import type { InboxStore } from '../shared/inbox/store.js';
import { JobStalledError } from '../shared/job-stalls.js';
import { failureCodeLabel, type Metrics } from '../shared/metrics.js';
import type { JobLiveness, OrderLanes } from '../shared/order-lanes.js';
import { JOB_KINDS, jobDataSchema, laneRefnum, type JobData, type JobKind, type QueueName } from '../shared/queues.js';
import type { RedisClient } from '../shared/redis.js';
import { ActionRejectedError } from './action-rejected.js';
import type { FabricClients } from './fabric-clients.js';
import { failureEvent } from './failure-event.js';
import type { HandlerContext, HandlerResult, JobHandler } from './handler.js';
import { HANDLERS } from './handlers.js';
import { jobLockFence, LockLostError } from './job-lock.js';

export interface ProcessorDeps {
  readonly config: Config;
  readonly fabricClients: FabricClients;
  readonly events: EventStore;
  readonly inbox: InboxStore;
  readonly lanes: OrderLanes;
  /** For the job-lock fence (workers/job-lock.ts). */
  readonly redis: RedisClient;
  /** Whether a job can still run (waiting, delayed, active): a lane head that cannot is dropped. */
  readonly isLive: JobLiveness;
  readonly logger: Logger;
  readonly metrics: Metrics;
}

/** How long a job whose order has an earlier action still running waits before it looks again. */
const LANE_RECHECK_MS = 200;

function isPermanent(error: unknown): boolean {
  return error instanceof ActionRejectedError || error instanceof JobStalledError || (error instanceof FabricError && !error.transient);
}

/**
 * Runs one job: parses its data, calls its handler, and decides what a failure means. A permanent failure, or a
 * transient one on the last attempt, stores a failure event for RetailOPS; permanent ones are not retried. A job taken
 * back from lost workers more than WORKER_MAX_STALLS times fails for good before it runs (JOB_STALLED). An attempt
 * that finds it no longer holds the job (job-lock.ts) stops there: no change to fabric, no event, no outcome.
 */
export function buildProcessor(deps: ProcessorDeps) {
  return async (job: Job, token?: string, signal?: AbortSignal): Promise<JobResult> => {
    const data = parseJob(job);
    // requestId ties the job's lines to the webhook that created it.
    const logger = deps.logger.child({ jobId: job.id, requestId: data.meta.requestId, queue: job.queueName, kind: data.kind, attempt: job.attemptsMade + 1 });
    const refnum = laneRefnum(data.kind, data.payload);
    if (refnum !== null && job.id) {
      const entry = { queue: job.queueName as QueueName, jobId: job.id };
      if (!(await deps.lanes.isTurn(data.meta.bindingKey, refnum, entry, deps.isLive))) {
        // An earlier action of this order has not finished: wait without using an attempt.
        await job.moveToDelayed(Date.now() + LANE_RECHECK_MS + Math.floor(Math.random() * LANE_RECHECK_MS), token);
        throw new DelayedError();
      }
    }
    let fabricCalls = 0;
    const holdsJob = jobLockFence(deps.redis, job, token, signal);
    const context: HandlerContext = {
      jobId: job.id ?? '',
      fabric: deps.fabricClients.for(data.meta.bindingKey),
      call: { requestId: `${job.id}.${job.attemptsMade + 1}`, onRequest: () => void (fabricCalls += 1), beforeChange: holdsJob },
      meta: data.meta,
      logger,
      inbox: deps.inbox,
      events: deps.events,
      config: deps.config,
      metrics: deps.metrics,
    };
    const started = performance.now();
    try {
      if (job.stalledCounter > deps.config.worker.maxStalls) throw new JobStalledError(job.stalledCounter);
      const handler = HANDLERS[data.kind] as JobHandler<JobKind>;
      const result = await handler(data.payload, context);
      deps.metrics.jobDuration.observe({ queue: job.queueName, outcome: 'completed' }, (performance.now() - started) / 1000);
      logger.info({ outcome: result.outcome, fabricCalls, ms: Math.round(performance.now() - started) }, 'job done');
      return { ...result, fabricCalls };
    } catch (error) {
      if (error instanceof LockLostError) return lockLost(job, error, { logger, metrics: deps.metrics, fabricCalls, started });
      if (error instanceof FabricError && error.errorCode === 'CIRCUIT_OPEN') {
        // Nothing was sent: wait for the circuit's probe without spending one of the job's attempts.
        logger.info({ retryAfterMs: error.details.retryAfterMs }, 'fabric circuit open: job waits');
        await job.moveToDelayed(Date.now() + (error.details.retryAfterMs ?? 1000), token);
        throw new DelayedError();
      }
      const failure = error instanceof Error ? error : new Error(String(error));
      const permanent = isPermanent(failure);
      const attempts = job.opts.attempts ?? 1;
      const final = permanent || job.attemptsMade + 1 >= attempts;
      const fields = { permanent, final, fabricCalls, ms: Math.round(performance.now() - started) };
      deps.metrics.jobDuration.observe({ queue: job.queueName, outcome: final ? 'failed' : 'retried' }, (performance.now() - started) / 1000);
      if (!final) {
        deps.metrics.jobRetries.inc({ queue: job.queueName });
        logger.warn({ err: failure, ...fields }, 'job attempt failed, will retry');
        throw failure;
      }
      // What this attempt concluded may rest on a read another worker has since made stale: only a holder reports.
      try {
        await holdsJob();
      } catch (fenced) {
        if (fenced instanceof LockLostError) return lockLost(job, fenced, { logger, metrics: deps.metrics, fabricCalls, started });
        throw fenced;
      }
      const event = failureEvent(job.id ?? '', data, failure, job.attemptsMade + 1);
      deps.metrics.jobFailures.inc({ queue: job.queueName, code: failureCodeLabel(event.code) });
      if (failure instanceof ActionRejectedError) {
        // The channel said no (an unknown order, a shipped one): the expected end of such a job, not a fault in the
        // bridge. A warning with the code is the whole story; a stack would only point into our own files.
        logger.warn({ code: event.code, reason: failure.message, ...fields }, 'job failed for good');
      } else if (failure instanceof JobStalledError) {
        logger.error({ code: event.code, reason: failure.message, stalls: failure.stalls, ...fields }, 'job failed for good');
      } else {
        logger.error({ err: failure, code: event.code, ...fields }, 'job failed for good');
      }
      if (data.kind !== 'order.sync' && job.id) {
        await deps.events.add({ clientId: data.meta.clientId, channelId: data.meta.channelId }, event);
      }
      throw finalError(failure, event.code, permanent);
    }
  };
}

/**
 * The attempt of a worker that lost the job: logged and counted, then handed back to BullMQ as a DelayedError, the
 * one error after which BullMQ leaves the job alone (it cannot move a job whose lock it lacks, and must not: the job
 * is another attempt's now). Never returns.
 */
function lockLost(
  job: Job,
  error: LockLostError,
  { logger, metrics, fabricCalls, started }: { logger: Logger; metrics: Metrics; fabricCalls: number; started: number },
): never {
  metrics.jobLocksLost.inc({ queue: job.queueName });
  logger.warn(
    { reason: error.message, fabricCalls, ms: Math.round(performance.now() - started) },
    'job lock lost: this attempt stops without changing fabric; the job runs again under its new lock',
  );
  throw new DelayedError();
}

/** What a completed job returns (BullMQ keeps it as the job's return value): the handler's outcome and the count. */
export interface JobResult extends HandlerResult {
  /** Requests this attempt sent to fabric's API (reads, searches and changes; not token requests). */
  readonly fabricCalls: number;
}

/**
 * The error BullMQ records for a job that failed for good: its message becomes the job's failedReason and its stack
 * the stacktrace, which is what Bull Board and `ops failed list` show. Both start with the code of the failure event
 * RetailOPS receives, so the board and the event read alike. An expected rejection or a stall limit gets no stack
 * frames (they would only be our file paths); anything else keeps the frames of where it went wrong.
 */
export function finalError(failure: Error, code: string, permanent: boolean): Error {
  const reason = `${code}: ${failure.message}`;
  const error = permanent ? new UnrecoverableError(reason) : new Error(reason);
  const frames = failure instanceof ActionRejectedError || failure instanceof JobStalledError ? [] : (failure.stack ?? '').split('\n').filter((line) => /^\s+at /.test(line));
  error.stack = [reason, ...frames].join('\n');
  return error;
}

function parseJob(job: Job): JobData {
  const envelope = jobDataSchema.safeParse(job.data);
  if (!envelope.success) throw new UnrecoverableError(`job ${job.id} has unreadable data: ${envelope.error.message}`);
  const payload = JOB_KINDS[envelope.data.kind].payload.safeParse(envelope.data.payload);
  if (!payload.success) throw new UnrecoverableError(`job ${job.id} has an unreadable ${envelope.data.kind} payload`);
  return { kind: envelope.data.kind, meta: envelope.data.meta, payload: payload.data } as JobData;
}
