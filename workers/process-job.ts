import { DelayedError, UnrecoverableError, type Job } from 'bullmq';
import type { Logger } from 'pino';
import type { Config } from '../shared/config.js';
import type { EventStore } from '../shared/events/store.js';
import type { FabricClients } from '../shared/fabric/clients.js';
import type { InboxStore } from '../shared/inbox/store.js';
import type { InventoryPushTracker } from '../shared/inventory/push-tracker.js';
import { JobStalledError } from '../shared/jobs/stalls.js';
import { failureCodeLabel, type Metrics } from '../shared/metrics.js';
import type { JobLiveness, OrderLanes } from '../shared/order-lanes.js';
import { JOB_KINDS, jobDataSchema, jobLane, type JobData, type JobKind, type QueueName } from '../shared/jobs/contract.js';
import type { RedisClient } from '../shared/redis.js';
import { ActionRejectedError } from './action-rejected.js';
import { failureEvent } from './failure-event.js';
import { classifyFailure, currentAttempt } from './failure-policy.js';
import type { HandlerContext, HandlerResult, JobHandler } from './handler-context.js';
import { HANDLERS } from './handler-table.js';
import { jobLockFence, LockLostError } from './job-lock.js';
import type { TenantAdmission } from './admission.js';
import { inSpan, noteOnSpan } from '../shared/telemetry/spans.js';

export interface ProcessorDeps {
  readonly config: Config;
  readonly fabricClients: FabricClients;
  readonly events: EventStore;
  readonly inbox: InboxStore;
  readonly inventoryPushes: InventoryPushTracker;
  readonly lanes: OrderLanes;
  /** Each job's slot in its tenant's call budget, before it runs (admission.ts). */
  readonly admission: TenantAdmission;
  /** For the job-lock fence (workers/job-lock.ts). */
  readonly redis: RedisClient;
  /** Whether a job can still run (waiting, delayed, active): a lane head that cannot is dropped. */
  readonly isLive: JobLiveness;
  readonly logger: Logger;
  readonly metrics: Metrics;
}

/** How long a job whose order has an earlier action still running waits before it looks again. */
const LANE_RECHECK_MS = 200;

/** One run of a job, as the handler and the failure path both see it. */
interface Attempt {
  readonly job: Job;
  readonly token: string | undefined;
  readonly data: JobData;
  readonly logger: Logger;
  /** The job-lock fence (job-lock.ts): throws LockLostError once this worker no longer holds the job. */
  readonly holdsJob: () => Promise<void>;
  /** When the handler started (performance.now()), for the attempt's duration. */
  started: number;
  fabricCalls: number;
}

/**
 * Runs one job: parses its data, waits for its order's turn and for its admission to its tenant's call budget (a far
 * slot gives the worker slot back), calls its handler, and acts on what failure-policy.ts
 * makes of a failure. A permanent failure, or a transient one on the last attempt, stores a failure event for
 * RetailOPS. A job taken back from lost workers more than WORKER_MAX_STALLS times fails for good before it runs
 * (JOB_STALLED). An attempt that finds it no longer holds the job (job-lock.ts) stops there: no change to fabric, no
 * event, no outcome.
 */
export function buildProcessor(deps: ProcessorDeps) {
  return async (job: Job, token?: string, signal?: AbortSignal): Promise<JobResult> => {
    const data = parseJob(job);
    // requestId ties the job's lines to the webhook that created it.
    const logger = deps.logger.child({ jobId: job.id, requestId: data.meta.requestId, queue: job.queueName, kind: data.kind, attempt: currentAttempt(job) });
    await inSpan('order-lane wait', () => waitTurn(deps, job, data, token));
    await inSpan('fabric budget wait', () => deps.admission.admit(job, data, token));
    const attempt: Attempt = { job, token, data, logger, holdsJob: jobLockFence(deps.redis, job, token, signal), started: 0, fabricCalls: 0 };
    // Outside the failure policy: a binding this process does not know is a fault of its setup, not of the job.
    const context = handlerContext(deps, attempt);
    attempt.started = performance.now();
    try {
      return await runHandler(deps, attempt, context);
    } catch (error) {
      return actOnFailure(deps, attempt, error);
    }
  };
}

/** An earlier action of the job's order has not finished: the job waits, without using an attempt. */
async function waitTurn(deps: ProcessorDeps, job: Job, data: JobData, token: string | undefined): Promise<void> {
  const lane = jobLane(data.kind, data.meta.bindingKey, data.payload);
  if (lane === null || !job.id) return;
  const entry = { queue: job.queueName as QueueName, jobId: job.id };
  const turn = await deps.lanes.isTurn(lane, entry, deps.isLive);
  noteOnSpan('order_lane.turn', turn);
  if (turn) return;
  await job.moveToDelayed(Date.now() + LANE_RECHECK_MS + Math.floor(Math.random() * LANE_RECHECK_MS), token);
  throw new DelayedError();
}

function handlerContext(deps: ProcessorDeps, attempt: Attempt): HandlerContext {
  const { job, data, logger } = attempt;
  return {
    jobId: job.id ?? '',
    fabric: deps.fabricClients.for(data.meta.bindingKey),
    call: { requestId: `${job.id}.${currentAttempt(job)}`, onRequest: () => void (attempt.fabricCalls += 1), beforeChange: attempt.holdsJob },
    meta: data.meta,
    logger,
    inbox: deps.inbox,
    events: deps.events,
    inventoryPushes: deps.inventoryPushes,
    config: deps.config,
    metrics: deps.metrics,
  };
}

async function runHandler(deps: ProcessorDeps, attempt: Attempt, context: HandlerContext): Promise<JobResult> {
  const { job, data, logger } = attempt;
  if (job.stalledCounter > deps.config.worker.maxStalls) throw new JobStalledError(job.stalledCounter);
  const handler = HANDLERS[data.kind] as JobHandler<JobKind>;
  const result = await handler(data.payload, context);
  deps.metrics.jobDuration.observe({ queue: job.queueName, outcome: 'completed' }, (performance.now() - attempt.started) / 1000);
  logger.info({ outcome: result.outcome, fabricCalls: attempt.fabricCalls, ms: Math.round(performance.now() - attempt.started) }, 'job done');
  return { ...result, fabricCalls: attempt.fabricCalls };
}

/** Carries out classifyFailure's verdict. Never returns: BullMQ learns the outcome from what it throws. */
async function actOnFailure(deps: ProcessorDeps, attempt: Attempt, error: unknown): Promise<never> {
  const { job, logger } = attempt;
  const verdict = classifyFailure(error, job);
  const failure = error instanceof Error ? error : new Error(String(error));
  switch (verdict.action) {
    case 'abandon':
      return lockLost(attempt, failure, deps.metrics);
    case 'delay':
      // Nothing was sent: wait for the circuit's probe without spending one of the job's attempts.
      logger.info({ retryAfterMs: verdict.waitMs }, 'fabric circuit open: job waits');
      await job.moveToDelayed(Date.now() + verdict.waitMs, attempt.token);
      throw new DelayedError();
    case 'retry': {
      const fields = failedAttempt(deps, attempt, { permanent: false, final: false });
      deps.metrics.jobRetries.inc({ queue: job.queueName });
      logger.warn({ err: failure, ...fields }, 'job attempt failed, will retry');
      throw failure;
    }
    case 'fail':
      return failForGood(deps, attempt, failure, verdict.permanent);
  }
}

/** Times a failed attempt, and gives the fields its log line carries. */
function failedAttempt(deps: ProcessorDeps, { job, fabricCalls, started }: Attempt, verdict: { permanent: boolean; final: boolean }) {
  const fields = { ...verdict, fabricCalls, ms: Math.round(performance.now() - started) };
  deps.metrics.jobDuration.observe({ queue: job.queueName, outcome: verdict.final ? 'failed' : 'retried' }, (performance.now() - started) / 1000);
  return fields;
}

/** The job is done with: its failure event is stored for RetailOPS and BullMQ records it as failed. */
async function failForGood(deps: ProcessorDeps, attempt: Attempt, failure: Error, permanent: boolean): Promise<never> {
  const { job, data, logger } = attempt;
  const fields = failedAttempt(deps, attempt, { permanent, final: true });
  // What this attempt concluded may rest on a read another worker has since made stale: only a holder reports.
  try {
    await attempt.holdsJob();
  } catch (fenced) {
    if (fenced instanceof LockLostError) return lockLost(attempt, fenced, deps.metrics);
    throw fenced;
  }
  const event = failureEvent(job.id ?? '', data, failure, currentAttempt(job));
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

/**
 * The attempt of a worker that lost the job: logged and counted, then handed back to BullMQ as a DelayedError, the
 * one error after which BullMQ leaves the job alone (it cannot move a job whose lock it lacks, and must not: the job
 * is another attempt's now). Never returns.
 */
function lockLost({ job, logger, fabricCalls, started }: Attempt, error: Error, metrics: Metrics): never {
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
