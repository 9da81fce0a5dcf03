// One inventory push is many jobs (its parts); RetailOPS hears about it once. The tracker keeps, per push, where each
// part resumes after a failed attempt, what fabric answered for the skus it did not take, and which parts have ended;
// the part that ends last reads the whole story back (and the summary is reported from it, workers/inventory/).
import type { RedisClient } from '../redis.js';
import { defineScript, type RedisScript } from '../redis-script.js';
import { inventoryPushKeys } from '../keys.js';

/** What became of one sku at one location that fabric did not simply take. */
export interface SkuOutcome {
  readonly sku: string;
  readonly locationNumber: number;
  /** unknown: fabric has no inventory there (and the mapping says report); created: made by POST /inventories. */
  readonly result: 'unknown' | 'created' | 'refused';
  readonly status: number | null;
  readonly code: string | null;
  readonly message: string | null;
}

export interface PushScope {
  readonly clientId: string;
  readonly channelId: string;
  readonly bindingKey: string;
  readonly receivedAt: string;
}

export interface PushSummary extends PushScope {
  readonly pushId: string;
  readonly parts: number;
  readonly outcomes: SkuOutcome[];
}

// KEYS: state, done, outcomes. ARGV: jobId. Marks the part ended; once every part has, returns the state and the
// outcomes (flat HGETALL lists), else an empty list. A push whose state has expired (or was reported) returns nothing.
const FINISH_PART = `
if redis.call('EXISTS', KEYS[1]) == 0 then return {} end
redis.call('SADD', KEYS[2], ARGV[1])
local parts = tonumber(redis.call('HGET', KEYS[1], 'parts'))
if redis.call('SCARD', KEYS[2]) < parts then return {} end
return {redis.call('HGETALL', KEYS[1]), redis.call('HGETALL', KEYS[3])}
`;

function pairs(flat: readonly string[]): Map<string, string> {
  const map = new Map<string, string>();
  for (let index = 0; index + 1 < flat.length; index += 2) map.set(flat[index] as string, flat[index + 1] as string);
  return map;
}

export class InventoryPushTracker {
  readonly #redis: RedisClient;
  readonly #prefix: string;
  readonly #ttlSeconds: number;
  readonly #finishPart: RedisScript<[string[], string[]] | []>;

  /** `ttlSeconds`: how long an unfinished push is remembered (its parts may wait for fabric that long). */
  constructor(redis: RedisClient, prefix: string, ttlSeconds: number) {
    this.#redis = redis;
    this.#prefix = prefix;
    this.#ttlSeconds = ttlSeconds;
    this.#finishPart = defineScript(redis, 'robInventoryFinishPart', 3, FINISH_PART);
  }

  #keys(pushId: string) {
    return inventoryPushKeys(this.#prefix, pushId);
  }

  /** Records a push of `parts` jobs, before any of them is added, so that no part can end unaccounted for. */
  async start(pushId: string, parts: number, scope: PushScope): Promise<void> {
    const keys = this.#keys(pushId);
    await this.#redis
      .multi()
      .hset(keys.state, { parts, ...scope })
      .expire(keys.state, this.#ttlSeconds)
      .exec();
  }

  /** How many of the part's writes an earlier attempt applied (a retried part resumes there). */
  async resumeAt(pushId: string, jobId: string): Promise<number> {
    const value = await this.#redis.hget(this.#keys(pushId).progress, jobId);
    return value === null ? 0 : Number(value);
  }

  /** The part has applied its first `applied` writes; `outcomes` are those of them fabric did not simply take. */
  async recordProgress(pushId: string, jobId: string, applied: number, outcomes: readonly SkuOutcome[]): Promise<void> {
    const keys = this.#keys(pushId);
    const batch = this.#redis.multi().hset(keys.progress, jobId, applied).expire(keys.progress, this.#ttlSeconds);
    if (outcomes.length > 0) {
      batch.hset(keys.outcomes, Object.fromEntries(outcomes.map((outcome) => [`${outcome.sku}@${outcome.locationNumber}`, JSON.stringify(outcome)])));
      batch.expire(keys.outcomes, this.#ttlSeconds);
    }
    await batch.exec();
  }

  /**
   * The part has ended (done, or failed for good). Returns the push's summary when it was the last part to end
   * (each later call, until `forget`, returns it again: a summary whose report failed is reported by the retry).
   */
  async finishPart(pushId: string, jobId: string): Promise<PushSummary | null> {
    const keys = this.#keys(pushId);
    const result = await this.#finishPart([keys.state, keys.done, keys.outcomes], [jobId]);
    if (result.length === 0) return null;
    await this.#redis.expire(keys.done, this.#ttlSeconds);
    const state = pairs(result[0]);
    return {
      pushId,
      parts: Number(state.get('parts') ?? 0),
      clientId: state.get('clientId') ?? '',
      channelId: state.get('channelId') ?? '',
      bindingKey: state.get('bindingKey') ?? '',
      receivedAt: state.get('receivedAt') ?? '',
      outcomes: [...pairs(result[1]).values()].map((json) => JSON.parse(json) as SkuOutcome),
    };
  }

  /** Drops the push's keys once its summary has been reported. */
  async forget(pushId: string): Promise<void> {
    const keys = this.#keys(pushId);
    await this.#redis.del(keys.state, keys.done, keys.progress, keys.outcomes);
  }
}
