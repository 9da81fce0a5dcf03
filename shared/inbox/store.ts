import type { RedisClient } from '../redis.js';
import { defineScript, type RedisScript } from '../redis-script.js';
import { inboxKeys } from '../keys.js';
import { CHANNEL_ORDER_SHAPE, channelOrderSchema, type ChannelOrder } from './channel-order.js';

/**
 * Channel orders waiting for RetailOPS, per channel binding. `orders` (hash) holds every order synced (as channel
 * orders, shared/inbox/channel-order.ts), so that a sync that sees an order again does not re-offer it after
 * acknowledgement; `pending` (sorted set, scored by arrival sequence) holds the unacknowledged ones, oldest first.
 * The sequence is the fetch cursor (`page_state`). `acked` (sorted set, scored by acknowledgement time) lets
 * `prune` drop acknowledged orders' bodies, customer personal data, after INBOX_RETENTION_DAYS.
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

// KEYS: pending, acked, offered. ARGV: now (ms), refnums… Only pending refnums change: an order acknowledged again
// keeps its first acknowledgement time, from which prune counts.
const ACK_SCRIPT = `
for i = 2, #ARGV do
  if redis.call('ZREM', KEYS[1], ARGV[i]) == 1 then
    redis.call('ZADD', KEYS[2], ARGV[1], ARGV[i])
    redis.call('SREM', KEYS[3], ARGV[i])
  end
end
`;

// KEYS: acked, orders. ARGV: acknowledged before (ms), at most how many. Returns how many orders were dropped.
const PRUNE_SCRIPT = `
local refnums = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', '(' .. ARGV[1], 'LIMIT', 0, tonumber(ARGV[2]))
for _, refnum in ipairs(refnums) do
  redis.call('HDEL', KEYS[2], refnum)
  redis.call('ZREM', KEYS[1], refnum)
end
return #refnums
`;

// KEYS: pending, orders, offered, acked. ARGV: refnum, json, withdraw ('1': fabric cancelled it), now (ms).
// A pending order's body becomes fabric's current one. A cancelled order RetailOPS has not been offered yet leaves
// pending instead (it counts as done, in acked, so prune drops it with the acknowledged ones); one already offered
// stays, cancelled, so RetailOPS sees the cancel. Returns 'updated', 'withdrawn' or 'gone' (acknowledged meanwhile).
const REFRESH_SCRIPT = `
if not redis.call('ZSCORE', KEYS[1], ARGV[1]) then return 'gone' end
redis.call('HSET', KEYS[2], ARGV[1], ARGV[2])
if ARGV[3] == '1' and redis.call('SISMEMBER', KEYS[3], ARGV[1]) == 0 then
  redis.call('ZREM', KEYS[1], ARGV[1])
  redis.call('ZADD', KEYS[4], ARGV[4], ARGV[1])
  return 'withdrawn'
end
return 'updated'
`;

/** Why the sync could not take an order in, for the operator (`npm run ops -- sync skipped`). */
export interface SkippedOrder {
  readonly orderNumber: string;
  readonly reason: string;
  /** ISO 8601: when a sync first and last failed to read it. */
  readonly firstSeenAt: string;
  readonly lastSeenAt: string;
}

/** At most this many skipped orders are kept per binding, so a fabric gone wrong cannot fill Redis. */
export const SKIPPED_MAX = 1000;

export interface InboxPage {
  readonly orders: ChannelOrder[];
  /** Cursor for the next page; 0 when this page is the last. */
  readonly nextPageState: number;
}

export class InboxStore {
  readonly #redis: RedisClient;
  readonly #prefix: string;

  readonly #addScript: RedisScript<number>;
  readonly #ackScript: RedisScript<null>;
  readonly #pruneScript: RedisScript<number>;
  readonly #refreshScript: RedisScript<string>;

  constructor(redis: RedisClient, prefix: string) {
    this.#redis = redis;
    this.#addScript = defineScript(redis, 'robInboxAdd', 3, ADD_SCRIPT);
    this.#ackScript = defineScript(redis, 'robInboxAck', 3, ACK_SCRIPT);
    this.#refreshScript = defineScript(redis, 'robInboxRefresh', 4, REFRESH_SCRIPT);
    this.#pruneScript = defineScript(redis, 'robInboxPrune', 2, PRUNE_SCRIPT);
    this.#prefix = prefix;
  }

  /** Adds orders not seen before, in the given order; returns how many were new. */
  async add(bindingKey: string, orders: readonly ChannelOrder[]): Promise<number> {
    if (orders.length === 0) return 0;
    const keys = inboxKeys(this.#prefix, bindingKey);
    const args = orders.flatMap((order) => [order.refnum, storedBody(order)]);
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

  /**
   * Removes the refnums from what fetch returns, atomically. Which of them the channel knows is `knownRefnums`'
   * answer, asked before: the caller enqueues the acknowledgement's job for those first, so this says nothing back.
   */
  async acknowledge(bindingKey: string, refnums: readonly string[]): Promise<void> {
    const keys = inboxKeys(this.#prefix, bindingKey);
    await this.#ackScript([keys.pending, keys.acked, keys.offered], [Date.now(), ...refnums]);
  }

  /**
   * Drops the bodies of orders acknowledged before `before` (ms since the epoch), at most `limit` per call; returns
   * how many. Pending orders are never dropped. A dropped order is unknown to fetch, ack and order_update from then
   * on, and a sync that meets it again does not re-offer it: fabric carries its acknowledgement attribute.
   */
  async prune(bindingKey: string, before: number, limit = 1000): Promise<number> {
    const keys = inboxKeys(this.#prefix, bindingKey);
    return this.#pruneScript([keys.acked, keys.orders], [before, limit]);
  }

  async knownRefnums(bindingKey: string, refnums: readonly string[]): Promise<string[]> {
    if (refnums.length === 0) return [];
    const keys = inboxKeys(this.#prefix, bindingKey);
    const flags = await Promise.all(refnums.map((refnum) => this.#redis.hexists(keys.orders, refnum)));
    return refnums.filter((_, index) => flags[index] === 1);
  }

  /** Notes that a fetch returned these orders: from now on a cancel in fabric shows in them instead of removing them. */
  async markOffered(bindingKey: string, refnums: readonly string[]): Promise<void> {
    if (refnums.length === 0) return;
    await this.#redis.sadd(inboxKeys(this.#prefix, bindingKey).offered, ...refnums);
  }

  /** Gives a pending order fabric's current state (see REFRESH_SCRIPT); `cancelled` may withdraw it. */
  async refresh(bindingKey: string, order: ChannelOrder, cancelled: boolean): Promise<'updated' | 'withdrawn' | 'gone'> {
    const keys = inboxKeys(this.#prefix, bindingKey);
    const result = await this.#refreshScript(
      [keys.pending, keys.orders, keys.offered, keys.acked],
      [order.refnum, storedBody(order), cancelled ? '1' : '0', Date.now()],
    );
    return result === 'updated' || result === 'withdrawn' ? result : 'gone';
  }

  /** The oldest `limit` unacknowledged refnums, which the sync re-reads from fabric. */
  async pendingRefnums(bindingKey: string, limit: number): Promise<string[]> {
    return this.#redis.zrange(inboxKeys(this.#prefix, bindingKey).pending, 0, limit - 1);
  }

  /** Orders fabric holds, waiting for release; the sync re-reads them. */
  async hold(bindingKey: string, refnums: readonly string[]): Promise<void> {
    if (refnums.length === 0) return;
    await this.#redis.sadd(inboxKeys(this.#prefix, bindingKey).held, ...refnums);
  }

  async unhold(bindingKey: string, refnums: readonly string[]): Promise<void> {
    if (refnums.length === 0) return;
    await this.#redis.srem(inboxKeys(this.#prefix, bindingKey).held, ...refnums);
  }

  /** Up to `limit` held order numbers, a random sample: with more held than that, each is reached over a few syncs. */
  async heldRefnums(bindingKey: string, limit: number): Promise<string[]> {
    return this.#redis.srandmember(inboxKeys(this.#prefix, bindingKey).held, limit);
  }

  async heldCount(bindingKey: string): Promise<number> {
    return this.#redis.scard(inboxKeys(this.#prefix, bindingKey).held);
  }

  /** Records (or refreshes) an order the sync could not read or map; at most SKIPPED_MAX per binding. */
  async recordSkipped(bindingKey: string, orderNumber: string, reason: string, at = new Date()): Promise<void> {
    const key = inboxKeys(this.#prefix, bindingKey).skipped;
    const previous = await this.#redis.hget(key, orderNumber);
    if (previous === null && (await this.#redis.hlen(key)) >= SKIPPED_MAX) return;
    const firstSeenAt = previous === null ? at.toISOString() : (parseSkipped(orderNumber, previous)?.firstSeenAt ?? at.toISOString());
    const record: SkippedOrder = { orderNumber, reason, firstSeenAt, lastSeenAt: at.toISOString() };
    await this.#redis.hset(key, orderNumber, JSON.stringify(record));
  }

  /** Forgets skipped orders (read fine now, or cleared by the operator); returns how many were recorded. */
  async clearSkipped(bindingKey: string, orderNumbers: readonly string[]): Promise<number> {
    if (orderNumbers.length === 0) return 0;
    return this.#redis.hdel(inboxKeys(this.#prefix, bindingKey).skipped, ...orderNumbers);
  }

  async skipped(bindingKey: string): Promise<SkippedOrder[]> {
    const entries = await this.#redis.hgetall(inboxKeys(this.#prefix, bindingKey).skipped);
    return Object.entries(entries)
      .flatMap(([orderNumber, body]) => {
        const record = parseSkipped(orderNumber, body);
        return record ? [record] : [];
      })
      .sort((a, b) => (a.firstSeenAt < b.firstSeenAt ? -1 : a.firstSeenAt > b.firstSeenAt ? 1 : 0));
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

  /** The unacknowledged order the next fetch returns first (the oldest synced); null when none waits. */
  async oldestPending(bindingKey: string): Promise<ChannelOrder | null> {
    const keys = inboxKeys(this.#prefix, bindingKey);
    const [refnum] = await this.#redis.zrange(keys.pending, 0, 0);
    if (refnum === undefined) return null;
    const [order] = await this.#read(keys.orders, [refnum]);
    return order ?? null;
  }

  /** Records that an order sync of the binding completed at `at` (ms since the epoch), for the metrics. */
  async recordSync(bindingKey: string, at: number): Promise<void> {
    await this.#redis.set(inboxKeys(this.#prefix, bindingKey).lastSync, String(at));
  }

  /** When the binding's last order sync completed (ms since the epoch); null before the first. */
  async lastSyncAt(bindingKey: string): Promise<number | null> {
    const value = await this.#redis.get(inboxKeys(this.#prefix, bindingKey).lastSync);
    const at = value === null ? Number.NaN : Number(value);
    return Number.isFinite(at) ? at : null;
  }

  async #read(ordersKey: string, refnums: readonly string[]): Promise<ChannelOrder[]> {
    if (refnums.length === 0) return [];
    const bodies = await this.#redis.hmget(ordersKey, ...refnums);
    return bodies.flatMap((body) => {
      if (body === null) return [];
      const { shape, ...stored } = JSON.parse(body) as { shape?: unknown };
      if (shape === CHANNEL_ORDER_SHAPE) return [stored as ChannelOrder];
      const parsed = channelOrderSchema.safeParse(stored);
      return parsed.success ? [parsed.data] : [];
    });
  }
}

function parseSkipped(orderNumber: string, body: string): SkippedOrder | null {
  try {
    const value = JSON.parse(body) as Partial<SkippedOrder>;
    return {
      orderNumber,
      reason: typeof value.reason === 'string' ? value.reason : '',
      firstSeenAt: typeof value.firstSeenAt === 'string' ? value.firstSeenAt : '',
      lastSeenAt: typeof value.lastSeenAt === 'string' ? value.lastSeenAt : '',
    };
  } catch {
    return null;
  }
}

/** An order as the inbox stores it: the order and the fingerprint of the schema it was built for (channel-order.ts). */
function storedBody(order: ChannelOrder): string {
  return JSON.stringify({ ...order, shape: CHANNEL_ORDER_SHAPE });
}
