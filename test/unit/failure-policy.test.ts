import fc from 'fast-check';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { CircuitBreaker, CircuitOpenError } from '../../shared/fabric/circuit-breaker.js';
import { FabricError } from '../../shared/fabric/errors.js';
import { JobStalledError } from '../../shared/jobs/stalls.js';
import { ActionRejectedError } from '../../workers/action-rejected.js';
import { backoffDelay, classifyFailure, failedForGood, type JobAttempts } from '../../workers/failure-policy.js';
import { LockLostError } from '../../workers/job-lock.js';

/** A job of `attempts` attempts on its `attemptsMade + 1`th: the fields of a BullMQ Job the policy reads. */
const job = (attemptsMade: number, attempts = 3): JobAttempts => ({ attemptsMade, opts: { attempts } });
const first = job(0);
const last = job(2);

function fabricError(status: number, kind: 'transient' | 'permanent'): FabricError {
  return new FabricError(`fabric answered ${status}`, { status, errorCode: null, requestUrl: 'u', method: 'GET', retryAfterMs: null, kind });
}

/** The error a real breaker throws once open, `elapsedMs` into its 1000 ms cooldown. */
async function circuitOpen(elapsedMs: number): Promise<unknown> {
  const now = { value: 0 };
  const breaker = new CircuitBreaker({ name: 't', threshold: 1, cooldownMs: 1000, logger: pino({ level: 'silent' }), now: () => now.value });
  await breaker.run(async () => Promise.reject(fabricError(503, 'transient')), 'u').catch(() => undefined);
  now.value = elapsedMs;
  return breaker.run(async () => 'sent', 'u').catch((error: unknown) => error);
}

/** JOB_BACKOFF_MS and JOB_BACKOFF_MAX_MS of most cases below. */
const backoff = { baseMs: 1000, maxMs: 60_000 };
/** A `random` that always answers `value`. */
const fixed = (value: number) => () => value;

/** fabric's 429, with or without a Retry-After. */
function rateLimited(retryAfterMs: number | null): FabricError {
  return new FabricError('fabric GET answered 429', { status: 429, errorCode: null, requestUrl: 'x', method: 'GET', retryAfterMs, kind: 'transient' });
}

describe('workers/failure-policy classifyFailure', () => {
  it('waits out an open circuit for the cooldown left, without spending an attempt, even on the last one', async () => {
    const error = await circuitOpen(300);
    expect(error).toBeInstanceOf(CircuitOpenError);
    expect(classifyFailure(error, first)).toEqual({ action: 'delay', waitMs: 700 });
    expect(classifyFailure(error, last)).toEqual({ action: 'delay', waitMs: 700 });
  });

  it('keeps a circuit error a transient FabricError with errorCode CIRCUIT_OPEN, for readers of fabric errors', async () => {
    const error = await circuitOpen(0);
    expect(error).toBeInstanceOf(FabricError);
    expect(error).toMatchObject({ errorCode: 'CIRCUIT_OPEN', transient: true, status: null });
  });

  it('recognises an open circuit by its class, not by a FabricError that merely carries the code', () => {
    const lookalike = new FabricError('x', { status: null, errorCode: 'CIRCUIT_OPEN', requestUrl: 'u', method: 'ANY', retryAfterMs: 500, kind: 'transient' });
    expect(classifyFailure(lookalike, first)).toEqual({ action: 'retry' });
  });

  it('abandons the job when this worker lost its lock, whatever attempt it is on', () => {
    expect(classifyFailure(new LockLostError('lock expired'), first)).toEqual({ action: 'abandon' });
    expect(classifyFailure(new LockLostError('lock expired'), last)).toEqual({ action: 'abandon' });
  });

  it('retries a transient failure while attempts are left, and fails (not permanent) on the last', () => {
    for (const error of [fabricError(503, 'transient'), fabricError(429, 'transient'), new Error('bug'), 'thrown string']) {
      expect(classifyFailure(error, first)).toEqual({ action: 'retry' });
      expect(classifyFailure(error, job(1))).toEqual({ action: 'retry' });
      expect(classifyFailure(error, last)).toEqual({ action: 'fail', permanent: false });
    }
  });

  it('fails a permanent failure at once', () => {
    const permanent = [fabricError(404, 'permanent'), new ActionRejectedError('ORDER_NOT_FOUND', 'Order 1 does not exist in fabric'), new JobStalledError(4)];
    for (const error of permanent) expect(classifyFailure(error, first)).toEqual({ action: 'fail', permanent: true });
  });

  it('takes a job without an attempts option for a job of one attempt', () => {
    expect(classifyFailure(new Error('bug'), { attemptsMade: 0, opts: {} })).toEqual({ action: 'fail', permanent: false });
  });
});

describe('workers/failure-policy failedForGood', () => {
  it('is true once BullMQ finished the job or no attempt is left, counting the attempt that just failed', () => {
    expect(failedForGood({ attemptsMade: 1, opts: { attempts: 3 } })).toBe(false);
    expect(failedForGood({ attemptsMade: 3, opts: { attempts: 3 } })).toBe(true);
    expect(failedForGood({ attemptsMade: 1, opts: { attempts: 3 }, finishedOn: 1_700_000_000_000 })).toBe(true);
    expect(failedForGood({ attemptsMade: 1, opts: {} })).toBe(true);
  });

  it('counts attempts as classifyFailure does: a transient failure it fails is one failedForGood sees as final (property)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 10 }), fc.integer({ min: 0, max: 12 }), (attempts, attemptsMade) => {
        const during = classifyFailure(fabricError(503, 'transient'), job(attemptsMade, attempts));
        // BullMQ's 'failed' event shows the job with the failed attempt counted.
        return failedForGood({ attemptsMade: attemptsMade + 1, opts: { attempts } }) === (during.action === 'fail');
      }),
    );
  });
});

describe('workers/failure-policy backoffDelay', () => {
  it('grows exponentially up to the cap (random = 1 gives the ceiling)', () => {
    expect([1, 2, 3, 4, 5, 6, 7, 8].map((attempt) => backoffDelay(attempt, backoff, undefined, fixed(1)))).toEqual([
      1000, 2000, 4000, 8000, 16_000, 32_000, 60_000, 60_000,
    ]);
  });

  it('treats attempt 0 like attempt 1', () => {
    expect(backoffDelay(0, backoff, undefined, fixed(1))).toBe(1000);
  });

  it('random = 0 gives half the ceiling', () => {
    expect(backoffDelay(3, backoff, undefined, fixed(0))).toBe(2000);
    expect(backoffDelay(100, backoff, undefined, fixed(0))).toBe(30_000);
  });

  it('stays within [ceiling/2, ceiling] and never exceeds maxMs (property)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 200 }),
        fc.integer({ min: 1, max: 100_000 }),
        fc.integer({ min: 1, max: 10_000_000 }),
        fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }),
        (attempts, baseMs, maxMs, random) => {
          const ceiling = Math.min(maxMs, baseMs * 2 ** Math.max(0, attempts - 1));
          const delay = backoffDelay(attempts, { baseMs, maxMs }, undefined, () => random);
          return delay >= Math.floor(ceiling / 2) && delay <= ceiling && delay <= maxMs && Number.isInteger(delay);
        },
      ),
    );
  });

  it('never decreases with the attempt for a fixed random (property)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 60 }), fc.double({ min: 0, max: 1, noNaN: true }), (attempts, random) => {
        return backoffDelay(attempts + 1, backoff, undefined, () => random) >= backoffDelay(attempts, backoff, undefined, () => random);
      }),
    );
  });

  it('does not overflow for huge attempt counts', () => {
    expect(backoffDelay(10_000, backoff, undefined, fixed(0.5))).toBe(45_000);
    expect(Number.isFinite(backoffDelay(10_000, { baseMs: 1000, maxMs: Number.MAX_SAFE_INTEGER }, undefined, fixed(1)))).toBe(true);
  });

  it('is deterministic with an injected random', () => {
    const sequence = () => {
      let seed = 0.1;
      return () => (seed = (seed * 7.3) % 1);
    };
    const run = () => {
      const random = sequence();
      return [1, 2, 3, 4, 5].map((attempt) => backoffDelay(attempt, backoff, undefined, random));
    };
    expect(run()).toEqual(run());
    expect(backoffDelay(4, backoff, undefined, fixed(0.25))).toBe(5000);
  });

  it('honours a FabricError Retry-After as a floor', () => {
    expect(backoffDelay(1, backoff, rateLimited(5000), fixed(0))).toBe(5000);
    // The floor beats the cap: the server asked for it.
    expect(backoffDelay(1, { baseMs: 100, maxMs: 1000 }, rateLimited(5000), fixed(1))).toBe(5000);
    // A shorter Retry-After does not shorten the backoff.
    expect(backoffDelay(6, backoff, rateLimited(5000), fixed(1))).toBe(32_000);
  });

  it('ignores a missing Retry-After and plain errors', () => {
    expect(backoffDelay(1, backoff, rateLimited(null), fixed(1))).toBe(1000);
    expect(backoffDelay(1, backoff, Object.assign(new Error('x'), { details: { retryAfterMs: 99_999 } }), fixed(1))).toBe(1000);
  });
});
