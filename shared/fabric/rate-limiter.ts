import type { RedisClient } from '../redis.js';
import { defineScript, type RedisScript } from '../redis-script.js';

/**
 * A limit on calls to one fabric tenant, shared by every worker process through Redis: calls start at least
 * 1/perSecond apart, so no one-second span ever holds more than perSecond (+1) of them, whichever workers make them.
 * Each call reserves the next free start time in one round trip (a GCRA-style schedule: the key holds when the
 * next slot is free) and sleeps until it; nothing is sent and no attempt is spent while it waits. Fixed one-second
 * windows, the simpler alternative, let twice the rate through across a window's edge.
 */

// KEYS: next free slot (µs since the epoch). ARGV: interval (µs). Returns the ms to wait before the reserved slot.
const RESERVE = `
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000000 + tonumber(time[2])
local slot = tonumber(redis.call('GET', KEYS[1]) or '0')
if slot < now then slot = now end
local interval = tonumber(ARGV[1])
redis.call('SET', KEYS[1], string.format('%.0f', slot + interval), 'PX', math.ceil((slot + interval - now) / 1000) + 1000)
return math.ceil((slot - now) / 1000)
`;

// KEYS: next free slot, the job's admission marker. ARGV: interval (µs), the longest wait taken in place (ms), the
// marker's lifetime beyond its slot (ms). All in Redis' clock, so workers' clocks never matter. A job that holds a
// slot from an earlier admission (its marker) is told how far it is, and drops the marker once it is close enough to
// wait for in place; any other job reserves the next slot, and one too far to wait for is recorded in its marker.
// Returns the ms to wait.
const ADMIT = `
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000000 + tonumber(time[2])
local maxWait = tonumber(ARGV[2]) * 1000
local held = tonumber(redis.call('GET', KEYS[2]) or '')
if held then
  if held - now <= maxWait then redis.call('DEL', KEYS[2]) end
  return math.max(0, math.ceil((held - now) / 1000))
end
local slot = tonumber(redis.call('GET', KEYS[1]) or '0')
if slot < now then slot = now end
local interval = tonumber(ARGV[1])
redis.call('SET', KEYS[1], string.format('%.0f', slot + interval), 'PX', math.ceil((slot + interval - now) / 1000) + 1000)
if slot - now > maxWait then
  redis.call('SET', KEYS[2], string.format('%.0f', slot), 'PX', math.ceil((slot - now) / 1000) + tonumber(ARGV[3]))
end
return math.ceil((slot - now) / 1000)
`;

export class FabricRateLimiter {
  readonly #key: string;
  readonly #intervalMicros: number;
  readonly #reserve: RedisScript<number>;
  readonly #admit: RedisScript<number>;

  /** `key`: the tenant's fabricBudgetKey (shared/keys.ts), so every worker of that tenant shares one schedule. */
  constructor(redis: RedisClient, key: string, perSecond: number) {
    if (!(perSecond > 0)) throw new Error('a fabric call budget needs perSecond > 0');
    this.#reserve = defineScript(redis, 'robFabricReserve', 1, RESERVE);
    this.#admit = defineScript(redis, 'robFabricAdmit', 2, ADMIT);
    this.#key = key;
    this.#intervalMicros = Math.max(1, Math.floor(1_000_000 / perSecond));
  }

  /** Resolves when the call may start (at once below the budget, else at its reserved slot); how long it waited, in ms. */
  async acquire(): Promise<number> {
    const waitMs = await this.reserveFor(1);
    if (waitMs > 0) await new Promise((resolve) => setTimeout(resolve, waitMs));
    return waitMs;
  }

  /**
   * Reserves the next free slot for `calls` calls (the schedule moves on by as many intervals) without waiting for
   * it: the ms until it starts (0: now). For a caller that waits elsewhere (workers/admission.ts).
   */
  async reserveFor(calls: number): Promise<number> {
    return this.#reserve([this.#key], [this.#intervalMicros * Math.max(1, calls)]);
  }

  /**
   * Admission of one job in one round trip (workers/admission.ts): the ms until its slot. A job whose slot is more
   * than `maxWaitMs` away keeps it in `marker` and is told the time left; back later, it is told the time left to
   * that same slot instead of reserving another.
   */
  async admit(marker: string, calls: number, maxWaitMs: number, markerTtlMs: number): Promise<number> {
    return this.#admit([this.#key, marker], [this.#intervalMicros * Math.max(1, calls), maxWaitMs, markerTtlMs]);
  }
}
