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

export class FabricRateLimiter {
  readonly #key: string;
  readonly #intervalMicros: number;
  readonly #reserve: RedisScript<number>;

  /** `key`: the tenant's fabricBudgetKey (shared/keys.ts), so every worker of that tenant shares one schedule. */
  constructor(redis: RedisClient, key: string, perSecond: number) {
    if (!(perSecond > 0)) throw new Error('a fabric call budget needs perSecond > 0');
    this.#reserve = defineScript(redis, 'robFabricReserve', 1, RESERVE);
    this.#key = key;
    this.#intervalMicros = Math.max(1, Math.floor(1_000_000 / perSecond));
  }

  /** Resolves when the call may start (at once below the budget, else at its reserved slot); how long it waited, in ms. */
  async acquire(): Promise<number> {
    const waitMs = await this.#reserve([this.#key], [this.#intervalMicros]);
    if (waitMs > 0) await new Promise((resolve) => setTimeout(resolve, waitMs));
    return waitMs;
  }
}
