import type { RedisClient } from '../redis.js';
import { defineScript, type RedisScript } from '../redis-script.js';
import { inboxKeys } from '../keys.js';
import { channelOrderSchema, type ChannelOrder } from './channel-order.js';

/**
 * Channel orders waiting for RetailOPS, per channel binding. `orders` (hash) holds every order ever synced (as channel orders, shared/inbox/channel-order.ts), so that
 * a sync that sees an order again does not re-offer it after acknowledgement; `pending` (sorted set, scored by
 * arrival sequence) holds the unacknowledged ones, oldest first. The sequence is the fetch cursor (`page_state`).
 */

// KEYS: pending, orders, seq. ARGV: refnum1, json1, refnum2, json2… Returns how many were new.
const ADD_SCRIPT = `
local added = 0
for i = 1, #ARGV, 2 do
  if redis.call('HSETNX', KEYS[2], ARGV[i], ARGV[i + 1]) == 1 then
    redis.call('ZADD', KEYS[1], redis.call('INCR', KEYS[3]), ARGV[i])
    added = added + 1
  end
end
return added
`;

// KEYS: pending, orders. ARGV: refnums. Returns per refnum 1 acknowledged now, 0 acknowledged before, -1 unknown.
const ACK_SCRIPT = `
local result = {}
for i = 1, #ARGV do
  if redis.call('ZREM', KEYS[1], ARGV[i]) == 1 then
    result[i] = 1
  elseif redis.call('HEXISTS', KEYS[2], ARGV[i]) == 1 then
    result[i] = 0
  else
    result[i] = -1
  end
end
return result
`;

export type AckOutcome = 'acknowledged' | 'already-acknowledged' | 'unknown';

export interface InboxPage {
  readonly orders: ChannelOrder[];
  /** Cursor for the next page; 0 when this page is the last. */
  readonly nextPageState: number;
}

export class InboxStore {
  readonly #redis: RedisClient;
  readonly #prefix: string;

  readonly #addScript: RedisScript<number>;
  readonly #ackScript: RedisScript<number[]>;

  constructor(redis: RedisClient, prefix: string) {
    this.#redis = redis;
    this.#addScript = defineScript(redis, 'robInboxAdd', 3, ADD_SCRIPT);
    this.#ackScript = defineScript(redis, 'robInboxAck', 2, ACK_SCRIPT);
    this.#prefix = prefix;
  }

  /** Adds orders not seen before, in the given order; returns how many were new. */
  async add(bindingKey: string, orders: readonly ChannelOrder[]): Promise<number> {
    if (orders.length === 0) return 0;
    const keys = inboxKeys(this.#prefix, bindingKey);
    const args = orders.flatMap((order) => [order.refnum, JSON.stringify(order)]);
    return this.#addScript([keys.pending, keys.orders, keys.seq], args);
  }

  /** Unacknowledged orders after cursor `after` (0: from the start), oldest first. */
  async page(bindingKey: string, after: number, size: number): Promise<InboxPage> {
    const keys = inboxKeys(this.#prefix, bindingKey);
    const entries = await this.#redis.zrangebyscore(keys.pending, `(${after}`, '+inf', 'WITHSCORES', 'LIMIT', 0, size + 1);
    const refnums: string[] = [];
    const scores: number[] = [];
    for (let i = 0; i < entries.length; i += 2) {
      refnums.push(entries[i] as string);
      scores.push(Number(entries[i + 1]));
    }
    const hasMore = refnums.length > size;
    const pageRefnums = refnums.slice(0, size);
    const orders = await this.#read(keys.orders, pageRefnums);
    return { orders, nextPageState: hasMore ? (scores[size - 1] ?? 0) : 0 };
  }

  async get(bindingKey: string, refnum: string): Promise<ChannelOrder | null> {
    const [order] = await this.#read(inboxKeys(this.#prefix, bindingKey).orders, [refnum]);
    return order ?? null;
  }

  /** Removes the refnums from what fetch returns, atomically; tells for each what it was. */
  async acknowledge(bindingKey: string, refnums: readonly string[]): Promise<Map<string, AckOutcome>> {
    const keys = inboxKeys(this.#prefix, bindingKey);
    const codes = await this.#ackScript([keys.pending, keys.orders], refnums);
    const outcomes = new Map<string, AckOutcome>();
    refnums.forEach((refnum, index) => {
      const code = codes[index];
      outcomes.set(refnum, code === 1 ? 'acknowledged' : code === 0 ? 'already-acknowledged' : 'unknown');
    });
    return outcomes;
  }

  async knownRefnums(bindingKey: string, refnums: readonly string[]): Promise<string[]> {
    if (refnums.length === 0) return [];
    const keys = inboxKeys(this.#prefix, bindingKey);
    const flags = await Promise.all(refnums.map((refnum) => this.#redis.hexists(keys.orders, refnum)));
    return refnums.filter((_, index) => flags[index] === 1);
  }

  async pendingCount(bindingKey: string): Promise<number> {
    return this.#redis.zcard(inboxKeys(this.#prefix, bindingKey).pending);
  }

  /** The createdAt (ISO) from which the next sync searches; null before the first sync. */
  async watermark(bindingKey: string): Promise<string | null> {
    return this.#redis.get(inboxKeys(this.#prefix, bindingKey).watermark);
  }

  async setWatermark(bindingKey: string, createdAt: string): Promise<void> {
    await this.#redis.set(inboxKeys(this.#prefix, bindingKey).watermark, createdAt);
  }

  async #read(ordersKey: string, refnums: readonly string[]): Promise<ChannelOrder[]> {
    if (refnums.length === 0) return [];
    const bodies = await this.#redis.hmget(ordersKey, ...refnums);
    return bodies.flatMap((body) => {
      if (body === null) return [];
      const parsed = channelOrderSchema.safeParse(JSON.parse(body));
      return parsed.success ? [parsed.data] : [];
    });
  }
}
