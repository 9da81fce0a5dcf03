// The one home of the retry policy: what a failed attempt means for its job (classifyFailure), when a job has failed
// for good (failedForGood), and how long a retry waits (backoffDelay).
import { CircuitOpenError } from '../shared/fabric/circuit-breaker.js';
import { FabricError } from '../shared/fabric/errors.js';
import { JobStalledError } from '../shared/jobs/stalls.js';
import { ActionRejectedError } from './action-rejected.js';
import { LockLostError } from './job-lock.js';

/** The few fields of a BullMQ Job the policy reads; a plain object stands in for one in tests. */
export interface JobAttempts {
  /** Attempts finished before this one (BullMQ counts the current one only once it has failed or completed). */
  readonly attemptsMade: number;
  readonly opts: { readonly attempts?: number };
  /** Set by BullMQ once the job has left for good (completed, or failed without a retry). */
  readonly finishedOn?: number;
}

/** What the processor does with a failed attempt. */
export type FailureAction =
  /** fabric's circuit is open and nothing was sent: wait `waitMs` (the circuit's cooldown left) without spending an attempt. */
  | { readonly action: 'delay'; readonly waitMs: number }
  /** This worker lost the job (job-lock.ts): stop without changing fabric, reporting, or touching the job. */
  | { readonly action: 'abandon' }
  /** A transient failure with attempts left: BullMQ runs the job again after backoffDelay. */
  | { readonly action: 'retry' }
  /** No retry: the failure is permanent, or it was the last attempt. RetailOPS gets a failure event. */
  | { readonly action: 'fail'; readonly permanent: boolean };

/** A circuit error always names its wait; this is only the floor should one ever lack it. */
const CIRCUIT_WAIT_MS = 1000;

/** Failures no retry can mend: the channel said no, the stall limit was reached, or fabric refused the request. */
function isPermanent(error: unknown): boolean {
  return error instanceof ActionRejectedError || error instanceof JobStalledError || (error instanceof FabricError && !error.transient);
}

/** The attempt a running job is on, counted from 1 (as logs, fabric request ids and failure events number it). */
export function currentAttempt(job: JobAttempts): number {
  return job.attemptsMade + 1;
}

function isLastAttempt(job: JobAttempts, attempt: number): boolean {
  return attempt >= (job.opts.attempts ?? 1);
}

/**
 * A lost lock outranks everything: the job is another attempt's now, so this one may not even move it. An open circuit
 * sent nothing, so it costs no attempt; anything else is permanent or spends one.
 */
export function classifyFailure(error: unknown, job: JobAttempts): FailureAction {
  if (error instanceof LockLostError) return { action: 'abandon' };
  if (error instanceof CircuitOpenError) return { action: 'delay', waitMs: error.details.retryAfterMs ?? CIRCUIT_WAIT_MS };
  const permanent = isPermanent(error);
  if (permanent || isLastAttempt(job, currentAttempt(job))) return { action: 'fail', permanent };
  return { action: 'retry' };
}

/**
 * Whether a job BullMQ reports as failed has failed for good, read after the fact (the 'failed' event, where
 * attemptsMade already counts the attempt that failed): the same last-attempt rule classifyFailure applies during it.
 */
export function failedForGood(job: JobAttempts): boolean {
  return job.finishedOn !== undefined || isLastAttempt(job, job.attemptsMade);
}

/**
 * Exponential backoff with equal jitter (half fixed, half random, so retries of many jobs spread out without ever
 * retrying at once), capped; a Retry-After from fabric or a gateway is a floor.
 */
export interface BackoffSettings {
  readonly baseMs: number;
  readonly maxMs: number;
}

export function backoffDelay(attemptsMade: number, settings: BackoffSettings, error?: Error, random: () => number = Math.random): number {
  const exponent = Math.max(0, attemptsMade - 1);
  const ceiling = Math.min(settings.maxMs, settings.baseMs * 2 ** Math.min(exponent, 30));
  const jittered = Math.round(ceiling / 2 + random() * (ceiling / 2));
  const retryAfter = error instanceof FabricError ? (error.details.retryAfterMs ?? 0) : 0;
  return Math.max(jittered, retryAfter);
}
