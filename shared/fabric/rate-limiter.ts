import type { RedisClient } from '../redis.js';
import { defineScript, type RedisScript } from '../redis-script.js';

/**
 * A limit on calls to one fabric tenant, shared by every worker process through RedisClient: at most `perSecond` calls
 * start in any one-second window. A call over the limit waits for the next window (no attempt is spent, nothing is
 * sent). Fixed windows keep it to one round trip; at a window's edge up to twice the rate can pass in one second,
 * which a gateway's limit of the same figure tolerates poorly, so configure it somewhat below fabric's real limit.
 */

// KEYS: counter. ARGV: limit, window ms. Returns 0 when the call may go, else the ms left in the window.
const ACQUIRE = `
local count = redis.call('INCR', KEYS[1])
if count == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[2]) end
if count <= tonumber(ARGV[1]) then return 0 end
local ttl = redis.call('PTTL', KEYS[1])
if ttl < 0 then return 1 end
return ttl
`;

export class FabricRateLimiter {
  readonly #key: string;
  readonly #perSecond: number;
  readonly #acquire: RedisScript<number>;

  constructor(redis: RedisClient, key: string, perSecond: number) {
    this.#acquire = defineScript(redis, 'robFabricAcquire', 1, ACQUIRE);
    this.#key = key;
    this.#perSecond = perSecond;
  }

  /** Resolves when a call may start. */
  async acquire(): Promise<void> {
    for (;;) {
      const windowKey = `${this.#key}:${Math.floor(Date.now() / 1000)}`;
      const waitMs = await this.#acquire([windowKey], [this.#perSecond, 2000]);
      if (waitMs === 0) return;
      const untilNextSecond = 1000 - (Date.now() % 1000);
      await new Promise((resolve) => setTimeout(resolve, Math.min(untilNextSecond, waitMs) + Math.floor(Math.random() * 20)));
    }
  }
}
