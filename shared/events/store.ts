import type { RedisClient } from '../redis.js';
import { defineScript, type RedisScript } from '../redis-script.js';
import type { Logger } from '../logger.js';
import type { Metrics } from '../metrics.js';
import { eventKeys } from '../keys.js';
import { channelEventSchema, type ChannelEvent, type EventScope } from './event.js';

/**
 * Pending events per RetailOPS client and channel: a sorted set (insertion order) of ids plus a hash of bodies.
 * Adding is idempotent by id; the set is capped, dropping the oldest. Reading does not remove: the ingress
 * acknowledges the ids it delivered once the response has been written, so a response that never reached RetailOPS
 * leaves its events for the next one.
 */

// KEYS: order, body, seq. ARGV: id, json, cap. Returns {added (0|1), dropped}.
const ADD_SCRIPT = `
if redis.call('HSETNX', KEYS[2], ARGV[1], ARGV[2]) == 0 then return {0, 0} end
local seq = redis.call('INCR', KEYS[3])
redis.call('ZADD', KEYS[1], seq, ARGV[1])
local excess = redis.call('ZCARD', KEYS[1]) - tonumber(ARGV[3])
local dropped = 0
if excess > 0 then
  local oldest = redis.call('ZPOPMIN', KEYS[1], excess)
  for i = 1, #oldest, 2 do
    redis.call('HDEL', KEYS[2], oldest[i])
    dropped = dropped + 1
  end
end
return {1, dropped}
`;

// KEYS: order, body. ARGV: ids… Removes the delivered ids.
const ACK_SCRIPT = `
local removed = 0
for i = 1, #ARGV do
  removed = removed + redis.call('ZREM', KEYS[1], ARGV[i])
  redis.call('HDEL', KEYS[2], ARGV[i])
end
return removed
`;

export interface EventStoreOptions {
  readonly prefix: string;
  readonly maxPending: number;
  readonly perResponse: number;
}

export class EventStore {
  readonly #redis: RedisClient;
  readonly #options: EventStoreOptions;
  readonly #logger: Logger;

  readonly #metrics: Metrics | undefined;
  readonly #addScript: RedisScript<[number, number]>;
  readonly #ackScript: RedisScript<number>;

  constructor(redis: RedisClient, options: EventStoreOptions, logger: Logger, metrics?: Metrics) {
    this.#redis = redis;
    this.#addScript = defineScript(redis, 'robEventsAdd', 3, ADD_SCRIPT);
    this.#ackScript = defineScript(redis, 'robEventsAck', 2, ACK_SCRIPT);
    this.#options = options;
    this.#logger = logger;
    this.#metrics = metrics;
  }

  /** Stores an event unless one with its id is pending already. Returns whether it was added. */
  async add(scope: EventScope, event: ChannelEvent): Promise<boolean> {
    const keys = eventKeys(this.#options.prefix, scope.clientId, scope.channelId);
    const [added, dropped] = await this.#addScript([keys.order, keys.body, keys.seq], [event.id, JSON.stringify(event), this.#options.maxPending]);
    const labels = { client: scope.clientId, channel: scope.channelId };
    if (added === 1) this.#metrics?.eventsRecorded.inc({ ...labels, severity: event.severity });
    if (dropped > 0) {
      this.#metrics?.eventsDropped.inc(labels, dropped);
      this.#logger.warn(
        { clientId: scope.clientId, channelId: scope.channelId, dropped, cap: this.#options.maxPending },
        'pending events over the cap: oldest dropped',
      );
    }
    return added === 1;
  }

  /** The oldest pending events, at most `perResponse`; they stay pending until `acknowledge`. */
  async peek(scope: EventScope): Promise<ChannelEvent[]> {
    const keys = eventKeys(this.#options.prefix, scope.clientId, scope.channelId);
    const ids = await this.#redis.zrange(keys.order, 0, this.#options.perResponse - 1);
    if (ids.length === 0) return [];
    const bodies = await this.#redis.hmget(keys.body, ...ids);
    const events: ChannelEvent[] = [];
    for (const body of bodies) {
      if (body === null) continue;
      const parsed = channelEventSchema.safeParse(JSON.parse(body));
      if (parsed.success) events.push(parsed.data);
      else this.#logger.error({ issues: parsed.error.issues }, 'unreadable pending event skipped');
    }
    return events;
  }

  async acknowledge(scope: EventScope, ids: readonly string[]): Promise<number> {
    if (ids.length === 0) return 0;
    const keys = eventKeys(this.#options.prefix, scope.clientId, scope.channelId);
    const removed = await this.#ackScript([keys.order, keys.body], ids);
    this.#metrics?.eventsDelivered.inc({ client: scope.clientId, channel: scope.channelId }, removed);
    return removed;
  }

  async count(scope: EventScope): Promise<number> {
    return this.#redis.zcard(eventKeys(this.#options.prefix, scope.clientId, scope.channelId).order);
  }
}
