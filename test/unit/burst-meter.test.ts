import { describe, expect, it } from 'vitest';
import { BurstMeter } from '../../shared/jobs/burst-meter.js';

describe('BurstMeter', () => {
  it('puts a binding in a burst once its window holds more calls than the limit, and out of it in the next window', () => {
    let now = 0;
    const meter = new BurstMeter(10, 1000, () => now);
    expect([1, 2, 3, 4].map(() => meter.record('a', 2))).toEqual([false, false, false, false]);
    expect(meter.record('a', 2)).toBe(false); // 10 calls: at the limit, not over it
    expect(meter.record('a', 1)).toBe(true);
    // Another binding is counted on its own.
    expect(meter.record('b', 10)).toBe(false);
    now = 1000;
    expect(meter.record('a', 2)).toBe(false);
  });

  it('counts a large job (an inventory part) by its calls, and is off at 0', () => {
    expect(new BurstMeter(1000, 10_000).record('a', 1001)).toBe(true);
    expect(new BurstMeter(0, 10_000).record('a', 1_000_000)).toBe(false);
  });
});
