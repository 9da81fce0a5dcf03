import { hash } from 'node:crypto';
import { Cluster, type Redis } from 'ioredis';
import type { RedisClient } from './redis.js';

// Redis key names outside BullMQ's own (BullMQ's queue and job keys, lock and stall count included, stay BullMQ's):
// for each family its builder, its SCAN match pattern, and its parser where a caller reads ids back out of a key.
// Every key starts with the queue prefix, a hash tag such as `{rob}`, so that the service's multi-key scripts stay in
// one cluster slot with BullMQ's keys. The names are stored data: changing one orphans what an earlier deploy wrote.

/** `<prefix>:<family>:<field>:…`: the fields in key order, each URI-encoded. */
interface KeyLayout<F extends string> {
  readonly family: string;
  readonly fields: readonly F[];
}

type Ids<F extends string> = { readonly [K in F]: string };

/** One key name per suffix; a homomorphic mapping, so each suffix's doc comment shows on the built key too. */
type KeyNames<S> = { readonly [K in keyof S]: string };

/** URI-encoded, so ids with ':' or spaces neither break the key layout nor collide with each other. */
function part(value: string): string {
  return encodeURIComponent(value);
}

/** A literal for a Redis glob pattern: QUEUE_PREFIX may hold glob characters (`[`, `*`, `?`, `\`). */
export function globEscape(literal: string): string {
  return literal.replace(/[\\*?[\]]/g, (char) => `\\${char}`);
}

/**
 * Every key matching `pattern`, sorted, with SCAN (never KEYS: it blocks a production Redis). SCAN is per node: on a
 * cluster every master is scanned (the hash-tagged prefix puts all of the bridge's keys on one of them, but which one
 * depends on the slot map).
 */
export async function scanKeys(redis: RedisClient, pattern: string): Promise<string[]> {
  const nodes: Redis[] = redis instanceof Cluster ? redis.nodes('master') : [redis];
  // A Set: SCAN may return a key twice (a rehash meanwhile, or a slot migrating between two nodes).
  const keys = new Set<string>();
  for (const node of nodes) {
    let cursor = '0';
    do {
      const [next, batch] = await node.scan(cursor, 'MATCH', pattern, 'COUNT', 500);
      for (const key of batch) keys.add(key);
      cursor = next;
    } while (cursor !== '0');
  }
  return [...keys].sort();
}

function head(prefix: string, layout: KeyLayout<string>): string {
  return `${prefix}:${layout.family}:`;
}

function tail(suffix: string | undefined): string {
  return suffix === undefined ? '' : `:${suffix}`;
}

function build<F extends string>(prefix: string, layout: KeyLayout<F>, ids: Ids<F>, suffix?: string): string {
  return `${head(prefix, layout)}${layout.fields.map((field) => part(ids[field])).join(':')}${tail(suffix)}`;
}

function buildAll<F extends string, S extends Record<string, string>>(prefix: string, layout: KeyLayout<F>, ids: Ids<F>, suffixes: S): KeyNames<S> {
  // The base is encoded once: the inbox builds all its keys on every call.
  const base = build(prefix, layout, ids);
  return Object.fromEntries(Object.entries(suffixes).map(([name, suffix]) => [name, `${base}${tail(suffix)}`])) as KeyNames<S>;
}

/** One `*` over all the ids, not one per id: encoded ids hold no ':', so both match the same keys. */
function pattern(prefix: string, layout: KeyLayout<string>, suffix?: string): string {
  return `${globEscape(head(prefix, layout))}*${tail(suffix)}`;
}

/** The ids of a key of this layout, decoded; null when the key does not have that shape (not built here). */
function parse<F extends string>(prefix: string, layout: KeyLayout<F>, key: string, suffix?: string): Ids<F> | null {
  const start = head(prefix, layout);
  const end = tail(suffix);
  if (!key.startsWith(start) || !key.endsWith(end) || key.length < start.length + end.length) return null;
  const parts = key.slice(start.length, key.length - end.length).split(':');
  if (parts.length !== layout.fields.length) return null;
  try {
    return Object.fromEntries(layout.fields.map((field, index) => [field, decodeURIComponent(parts[index] ?? '')])) as Ids<F>;
  } catch {
    return null; // a malformed %-escape
  }
}

// Failure events waiting for a response to their RetailOPS client and channel (shared/events/store.ts).

const EVENTS: KeyLayout<'clientId' | 'channelId'> = { family: 'events', fields: ['clientId', 'channelId'] };

export const EVENT_KEY_SUFFIXES = {
  order: 'order',
  body: 'body',
  seq: 'seq',
} as const;

export type EventKeyName = keyof typeof EVENT_KEY_SUFFIXES;
export type EventKeyIds = Ids<'clientId' | 'channelId'>;

export function eventKeys(prefix: string, clientId: string, channelId: string): KeyNames<typeof EVENT_KEY_SUFFIXES> {
  return buildAll(prefix, EVENTS, { clientId, channelId }, EVENT_KEY_SUFFIXES);
}

export function eventKeyPattern(prefix: string, name: EventKeyName): string {
  return pattern(prefix, EVENTS, EVENT_KEY_SUFFIXES[name]);
}

export function parseEventKey(prefix: string, key: string, name: EventKeyName): EventKeyIds | null {
  return parse(prefix, EVENTS, key, EVENT_KEY_SUFFIXES[name]);
}

// The order inbox of one channel binding (shared/inbox/store.ts).

const INBOX: KeyLayout<'bindingKey'> = { family: 'inbox', fields: ['bindingKey'] };

export const INBOX_KEY_SUFFIXES = {
  pending: 'pending',
  orders: 'orders',
  acked: 'acked',
  seq: 'seq',
  watermark: 'watermark',
  /** When the binding's last order sync completed (ms since the epoch), for rob_order_sync_last_success_timestamp_seconds. */
  lastSync: 'last-sync',
  /** Orders fabric holds (not released yet): the sync re-reads them until released or cancelled. */
  held: 'held',
  /** Pending orders a fetch has returned at least once: a cancel in fabric no longer withdraws them. */
  offered: 'offered',
  /** Orders the sync could not read or map (hash orderNumber → reason), re-read each sync; `ops sync skipped`. */
  skipped: 'skipped',
} as const;

export type InboxKeyName = keyof typeof INBOX_KEY_SUFFIXES;

export function inboxKeys(prefix: string, bindingKey: string): KeyNames<typeof INBOX_KEY_SUFFIXES> {
  return buildAll(prefix, INBOX, { bindingKey }, INBOX_KEY_SUFFIXES);
}

export function inboxKeyPattern(prefix: string, name: InboxKeyName): string {
  return pattern(prefix, INBOX, INBOX_KEY_SUFFIXES[name]);
}

/** The binding key of an inbox key, or null. */
export function parseInboxKey(prefix: string, key: string, name: InboxKeyName): string | null {
  return parse(prefix, INBOX, key, INBOX_KEY_SUFFIXES[name])?.bindingKey ?? null;
}

// The webhook archive (shared/archive/webhook-archive.ts): one stream of every webhook answered, for `ops order` and
// personal-data erasure (`ops archive erase`); trimmed by age.

export function webhookArchiveKey(prefix: string): string {
  return `${prefix}:webhook-archive`;
}

// One order's lane, the list that keeps its jobs in sequence across queues (shared/order-lanes.ts).

const LANE: KeyLayout<'bindingKey' | 'refnum'> = { family: 'lane', fields: ['bindingKey', 'refnum'] };

export type LaneKeyIds = Ids<'bindingKey' | 'refnum'>;

export function laneKey(prefix: string, bindingKey: string, refnum: string): string {
  return build(prefix, LANE, { bindingKey, refnum });
}

export function laneKeyPattern(prefix: string): string {
  return pattern(prefix, LANE);
}

export function parseLaneKey(prefix: string, key: string): LaneKeyIds | null {
  return parse(prefix, LANE, key);
}

// One inventory lane of a channel binding: inventory pushes' jobs of the skus whose digest falls in it, in sequence.

const INVENTORY_LANE: KeyLayout<'bindingKey' | 'lane'> = { family: 'inventory-lane', fields: ['bindingKey', 'lane'] };

export function inventoryLaneKey(prefix: string, bindingKey: string, lane: string): string {
  return build(prefix, INVENTORY_LANE, { bindingKey, lane });
}

export function inventoryLaneKeyPattern(prefix: string): string {
  return pattern(prefix, INVENTORY_LANE);
}

// One inventory push being applied (shared/inventory/push-tracker.ts): how many parts remain, which are done, where
// each part resumes, and the skus fabric did not know or refused, reported once when the last part ends.

const INVENTORY_PUSH: KeyLayout<'pushId'> = { family: 'inventory-push', fields: ['pushId'] };

export const INVENTORY_PUSH_KEY_SUFFIXES = {
  /** Hash: parts, client, channel, receivedAt. */
  state: 'state',
  /** Set: the job ids of the parts that have ended. */
  done: 'done',
  /** Hash: job id → writes applied so far (where a retried part resumes). */
  progress: 'progress',
  /** Hash: sku@location → what fabric answered (unknown sku, or refused). */
  outcomes: 'outcomes',
} as const;

export function inventoryPushKeys(prefix: string, pushId: string): KeyNames<typeof INVENTORY_PUSH_KEY_SUFFIXES> {
  return buildAll(prefix, INVENTORY_PUSH, { pushId }, INVENTORY_PUSH_KEY_SUFFIXES);
}

export function inventoryPushKeyPattern(prefix: string): string {
  return pattern(prefix, INVENTORY_PUSH);
}

// A fabric tenant's call budget, shared by every worker (shared/fabric/rate-limiter.ts). The tenant is hashed, so its
// key reads back to nothing: no parser. A digest also keeps a tenant name (a URL, say) out of the key space.

const FABRIC_BUDGET = 'fabric-rate';

export function fabricBudgetKey(prefix: string, tenant: string): string {
  return `${prefix}:${FABRIC_BUDGET}:${hash('sha256', tenant, 'hex').slice(0, 16)}`;
}

export function fabricBudgetKeyPattern(prefix: string): string {
  return `${globEscape(`${prefix}:${FABRIC_BUDGET}:`)}*`;
}

// A fabric tenant's circuit breaker, shared by every process (shared/fabric/breaker-store.ts): a hash of its state,
// failure count, opening time and probe; none while the circuit is closed with no failure counted. Hashed like the
// budget's.

const FABRIC_BREAKER = 'fabric-breaker';

export function fabricBreakerKey(prefix: string, tenant: string): string {
  return `${prefix}:${FABRIC_BREAKER}:${hash('sha256', tenant, 'hex').slice(0, 16)}`;
}

export function fabricBreakerKeyPattern(prefix: string): string {
  return `${globEscape(`${prefix}:${FABRIC_BREAKER}:`)}*`;
}

// A job given back to the queue until its admission slot in its tenant's budget (workers/admission.ts): the slot it
// reserved, so that it runs then without reserving again. Job ids are BullMQ's and hold no ':'.

export function admissionKey(prefix: string, jobId: string): string {
  return `${prefix}:admitted:${jobId}`;
}

// The operator audit stream (shared/audit.ts): a Redis Stream of every operator mutation (CLI retry,
// discard, clear; a Bull Board retry), appended to and trimmed by age only; `ops audit` lists it.

export function auditStreamKey(prefix: string): string {
  return `${prefix}:audit`;
}

// The ingress rate limit's counters. @fastify/rate-limit writes them as its nameSpace followed by the subject its
// keyGenerator returns (ingress/protection.ts), so this module names both halves and the plugin joins them. The
// subject is not URI-encoded (an earlier deploy's counters would not be found), and nothing reads it back.

export type RateLimitSubjectKind = 'client' | 'token' | 'ip';

export function ingressRateLimitNameSpace(prefix: string): string {
  return `${prefix}:ratelimit:`;
}

export function ingressRateLimitSubject(kind: RateLimitSubjectKind, id: string): string {
  return `${kind}:${id}`;
}

export function ingressRateLimitKeyPattern(prefix: string): string {
  return `${globEscape(ingressRateLimitNameSpace(prefix))}*`;
}
