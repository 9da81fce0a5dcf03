import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { FabricError } from '../../shared/fabric/errors.js';
import { backoffDelay } from '../../workers/retry-policy.js';

const settings = { baseMs: 1000, maxMs: 60_000 };
const fixed = (value: number) => () => value;

function fabricError(retryAfterMs: number | null): FabricError {
  return new FabricError('fabric GET answered 429', { status: 429, errorCode: null, requestUrl: 'x', method: 'GET', retryAfterMs, kind: 'transient' });
}

describe('workers/retry-policy', () => {
  it('grows exponentially up to the cap (random = 1 gives the ceiling)', () => {
    expect([1, 2, 3, 4, 5, 6, 7, 8].map((attempt) => backoffDelay(attempt, settings, undefined, fixed(1)))).toEqual([
      1000, 2000, 4000, 8000, 16_000, 32_000, 60_000, 60_000,
    ]);
  });

  it('treats attempt 0 like attempt 1', () => {
    expect(backoffDelay(0, settings, undefined, fixed(1))).toBe(1000);
  });

  it('random = 0 gives half the ceiling', () => {
    expect(backoffDelay(3, settings, undefined, fixed(0))).toBe(2000);
    expect(backoffDelay(100, settings, undefined, fixed(0))).toBe(30_000);
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
        return backoffDelay(attempts + 1, settings, undefined, () => random) >= backoffDelay(attempts, settings, undefined, () => random);
      }),
    );
  });

  it('does not overflow for huge attempt counts', () => {
    expect(backoffDelay(10_000, settings, undefined, fixed(0.5))).toBe(45_000);
    expect(Number.isFinite(backoffDelay(10_000, { baseMs: 1000, maxMs: Number.MAX_SAFE_INTEGER }, undefined, fixed(1)))).toBe(true);
  });

  it('is deterministic with an injected random', () => {
    const sequence = () => {
      let seed = 0.1;
      return () => (seed = (seed * 7.3) % 1);
    };
    const run = () => {
      const random = sequence();
      return [1, 2, 3, 4, 5].map((attempt) => backoffDelay(attempt, settings, undefined, random));
    };
    expect(run()).toEqual(run());
    expect(backoffDelay(4, settings, undefined, fixed(0.25))).toBe(5000);
  });

  it('honours a FabricError Retry-After as a floor', () => {
    expect(backoffDelay(1, settings, fabricError(5000), fixed(0))).toBe(5000);
    // The floor beats the cap: the server asked for it.
    expect(backoffDelay(1, { baseMs: 100, maxMs: 1000 }, fabricError(5000), fixed(1))).toBe(5000);
    // A shorter Retry-After does not shorten the backoff.
    expect(backoffDelay(6, settings, fabricError(5000), fixed(1))).toBe(32_000);
  });

  it('ignores a missing Retry-After and plain errors', () => {
    expect(backoffDelay(1, settings, fabricError(null), fixed(1))).toBe(1000);
    expect(backoffDelay(1, settings, Object.assign(new Error('x'), { details: { retryAfterMs: 99_999 } }), fixed(1))).toBe(1000);
  });
});
