// The contract between ingress and workers: which job goes on which queue, and the zod schema of its data. Payloads
// are normalised at ingress (ids as strings, amounts as decimal strings), so workers never see the seeds' type quirks.
import type { JobsOptions } from 'bullmq';
import { hash } from 'node:crypto';
import { z } from 'zod';
import type { Lane } from '../order-lanes.js';

export const QUEUE_NAMES = ['order', 'cancel', 'update', 'return', 'inventory'] as const;
export type QueueName = (typeof QUEUE_NAMES)[number];

const decimal = z.string().regex(/^-?\d+(\.\d+)?$/);

export const jobMetaSchema = z.object({
  clientId: z.string(),
  channelId: z.string(),
  /** Which configured channel binding (fabric tenant) serves this client and channel. */
  bindingKey: z.string(),
  requestId: z.string(),
  receivedAt: z.string(),
  /** The `action` field RetailOPS sent: recorded for operators, never used to pick the handler. */
  sourceAction: z.string().nullable(),
  /** Set on a job `ops replay` enqueued again from the webhook archive: the replay's id (see the audit stream). */
  replayId: z.string().optional(),
  /** With replayId: the original job's id, whose marks in fabric the replayed job recognises as its own (workers/action-mark.ts). */
  replayOf: z.string().optional(),
});

export const cancelPayloadSchema = z.object({ refnum: z.string(), retailopsOrderId: z.string().nullable() });

export const updatePayloadSchema = z.object({
  refnum: z.string(),
  lineItems: z.array(z.object({ sku: z.string(), quantity: z.number().int().min(0), removed: z.boolean() })),
});

export const returnPayloadSchema = z.object({
  refnum: z.string(),
  returnId: z.string(),
  items: z.array(z.object({ sku: z.string(), quantity: z.number().int().min(1), refundAmount: decimal.nullable() })),
  totalRefundAmount: decimal.nullable(),
  reason: z.string().nullable(),
});

export const shipmentPackageSchema = z.object({
  shipmentId: z.string(),
  packageId: z.string(),
  carrier: z.string().nullable(),
  method: z.string().nullable(),
  trackingNumber: z.string().nullable(),
  shippedAt: z.string().nullable(),
  /** Empty: the package holds every item of the order still open and not named in `unshippedItemRefs`. */
  items: z.array(z.object({ sku: z.string().nullable(), itemRef: z.string().nullable(), quantity: z.number().int().min(1).nullable() })),
});

export const completePayloadSchema = z.object({
  refnum: z.string(),
  retailopsOrderId: z.string().nullable(),
  packages: z.array(shipmentPackageSchema),
  unshippedItemRefs: z.array(z.string()),
});

export const shipmentPayloadSchema = z.object({
  refnum: z.string(),
  retailopsOrderId: z.string().nullable(),
  packages: z.array(shipmentPackageSchema),
});

export const ackPayloadSchema = z.object({
  refnums: z.array(z.string()).min(1),
  /** RetailOPS' order id per refnum, when the caller sent it (v1): recorded on the fabric order. */
  retailopsOrderIds: z.record(z.string(), z.string()),
});
export const syncPayloadSchema = z.object({});

/** order_settle_payment: what RetailOPS wants settled, checked against fabric's payment state (workers/settle/). */
export const settlePayloadSchema = z.object({
  refnum: z.string(),
  retailopsOrderId: z.string().nullable(),
  /** The channel's part: the sum of RetailOPS' channel_* transactions, else the order's grand total. */
  amount: decimal,
  amountFrom: z.enum(['payment_transactions', 'grand_total']),
  /** ISO 4217 as RetailOPS sent it; null when it sent none (the amount is then read as in fabric's currency). */
  currency: z.string().nullable(),
});

/** One part of an inventory push (shared/inventory/split-push.ts): fabric writes of one lane, applied in order. */
export const inventoryPushPayloadSchema = z.object({
  /** The push this part belongs to: its summary (unknown and refused skus) is reported once, for the whole push. */
  pushId: z.string(),
  lane: z.string(),
  writes: z.array(z.object({ sku: z.string(), locationNumber: z.number().int(), counters: z.record(z.string(), z.number().int()) })).min(1),
  unknownSku: z.enum(['report', 'create']),
});

interface JobKindSpec<S extends z.ZodType> {
  readonly queue: QueueName;
  readonly payload: S;
  /** The RetailOPS action the kind carries out, as the events about it name it. */
  readonly action: string;
  /** The one order a job of this kind acts on: its lane keeps that order's actions in sequence (shared/order-lanes.ts). */
  readonly order?: (payload: z.output<S>) => string;
  /** The orders a job of this kind acts on together; no lane, as nothing it does depends on their other actions. */
  readonly orders?: (payload: z.output<S>) => readonly string[];
  /** A lane not of one order (inventory: skus by digest); its jobs run in the order they were accepted. */
  readonly lane?: (payload: z.output<S>) => string;
  /** The skus a job of this kind acts on, as its failure event names them. */
  readonly skus?: (payload: z.output<S>) => readonly string[];
  /**
   * The fabric calls a job of this kind is expected to make (default 2: a read of the order and one change), for its
   * admission to the tenant's call budget (workers/admission.ts). An estimate: the budget itself still counts each call.
   */
  readonly calls?: (payload: z.output<S>) => number;
  /** Job options of this kind that differ from the queue's defaults (shared/jobs/producer.ts, defaultJobOptions). */
  readonly options?: JobsOptions;
}

/** Keeps each entry's payload type, so that its accessors are checked against its own schema. */
function kind<S extends z.ZodType>(spec: JobKindSpec<S>): JobKindSpec<S> {
  return spec;
}

const ofRefnum = (payload: { refnum: string }) => payload.refnum;

/** Job kinds: their queue, payload schema, RetailOPS action, the orders they act on, and their own job options. */
export const JOB_KINDS = {
  'order.sync': kind({
    queue: 'order',
    payload: syncPayloadSchema,
    action: 'order_sync',
    // A sync repeats every ORDER_SYNC_INTERVAL_MS, so a failed one matters only until the next: few attempts, a
    // short history, and nothing kept of the successful runs.
    options: { removeOnComplete: true, removeOnFail: 100, attempts: 3 },
  }),
  // One update-attributes call per order acknowledged.
  'order.ack': kind({ queue: 'order', payload: ackPayloadSchema, action: 'order_ack', orders: (payload) => payload.refnums, calls: (payload) => payload.refnums.length }),
  // The order, its shipments, one shipment per package, and a cancel of what was not shipped.
  'order.complete': kind({ queue: 'order', payload: completePayloadSchema, action: 'order_complete', order: ofRefnum, calls: (payload) => 3 + payload.packages.length }),
  'order.shipment': kind({ queue: 'order', payload: shipmentPayloadSchema, action: 'order_shipment_submit', order: ofRefnum, calls: (payload) => 2 + payload.packages.length }),
  cancel: kind({ queue: 'cancel', payload: cancelPayloadSchema, action: 'order_cancel', order: ofRefnum }),
  update: kind({ queue: 'update', payload: updatePayloadSchema, action: 'order_update', order: ofRefnum }),
  return: kind({ queue: 'return', payload: returnPayloadSchema, action: 'order_returned', order: ofRefnum }),
  // In the order's lane: it reads the payment state the order's earlier complete or shipment led fabric to.
  'order.settle': kind({ queue: 'order', payload: settlePayloadSchema, action: 'order_settle_payment', order: ofRefnum }),
  'inventory.push': kind({
    queue: 'inventory',
    payload: inventoryPushPayloadSchema,
    action: 'inventory_push',
    lane: (payload) => payload.lane,
    skus: (payload) => payload.writes.map((write) => write.sku),
    // One find-and-update per write (its share of the budget: workers/admission.ts).
    calls: (payload) => payload.writes.length,
    // Each push has its own job ids (a later push of the same quantities must apply again), so nothing needs keeping
    // for deduplication; a full catalogue an hour is a lot of job data to hold for a day.
    options: { removeOnComplete: { age: 3600 } },
  }),
};

export type JobKind = keyof typeof JOB_KINDS;
export type JobPayload<K extends JobKind> = z.infer<(typeof JOB_KINDS)[K]['payload']>;
export type JobMeta = z.infer<typeof jobMetaSchema>;

export interface JobData<K extends JobKind = JobKind> {
  kind: K;
  meta: JobMeta;
  payload: JobPayload<K>;
}

export const jobDataSchema = z.object({
  kind: z.enum(Object.keys(JOB_KINDS) as [JobKind, ...JobKind[]]),
  meta: jobMetaSchema,
  payload: z.unknown(),
});

/**
 * The kind's entry with its payload type forgotten, for callers holding a payload as read back from Redis (a job
 * whose data failed to parse still leaves its lane); undefined for a kind this version does not know.
 */
function specOf(kind: JobKind): JobKindSpec<z.ZodType<unknown>> | undefined {
  return JOB_KINDS[kind] as JobKindSpec<z.ZodType<unknown>> | undefined;
}

/** The order a job acts on alone (and whose lane it joins); null for jobs not about one order (sync, ack, inventory). */
export function laneRefnum(kind: JobKind, payload: unknown): string | null {
  const refnum = specOf(kind)?.order?.(payload);
  return typeof refnum === 'string' ? refnum : null;
}

/** Which lane a job runs in (shared/order-lanes.ts), if any: its order's, or its kind's own (inventory). */
export function jobLane(kind: JobKind, bindingKey: string, payload: unknown): Lane | null {
  const refnum = laneRefnum(kind, payload);
  if (refnum !== null) return { family: 'order', bindingKey, id: refnum };
  const own = specOf(kind)?.lane?.(payload);
  return typeof own === 'string' ? { family: 'inventory', bindingKey, id: own } : null;
}

/** The fabric calls a job is expected to make (JobKindSpec.calls). */
export function jobCalls(kind: JobKind, payload: unknown): number {
  const calls = specOf(kind)?.calls?.(payload);
  return typeof calls === 'number' && calls > 0 ? calls : 2;
}

/** The skus a job acts on (inventory), for its failure event; [] for kinds that name orders instead. */
export function jobSkus(kind: JobKind, payload: unknown): readonly string[] {
  return specOf(kind)?.skus?.(payload) ?? [];
}

/** Every order a job acts on, as its events name them: its one order, its several, or none. */
export function orderRefnums(kind: JobKind, payload: unknown): readonly string[] {
  const one = laneRefnum(kind, payload);
  return one !== null ? [one] : (specOf(kind)?.orders?.(payload) ?? []);
}

/**
 * The order sync of one channel binding, whether scheduled (workers/start-workers.ts) or asked for by a fetch
 * (shared/jobs/producer.ts): its data, its job options, and `key`, the id that keeps one per binding (the
 * scheduler's id, and the deduplication id of a requested one).
 */
export function syncJob(meta: JobMeta): { readonly key: string; readonly data: JobData<'order.sync'>; readonly options: JobsOptions } {
  return { key: `sync-${meta.bindingKey}`, data: { kind: 'order.sync', meta, payload: {} }, options: { ...JOB_KINDS['order.sync'].options } };
}

export function queueOf(kind: JobKind): QueueName {
  return JOB_KINDS[kind].queue;
}

/**
 * The job's name in BullMQ, for people: what, which order, whose, e.g. "cancel order 496 (client 497, channel 21)",
 * so that an operator finds "order 496" by eye on the dashboard. Workers dispatch on `data.kind`, never on the name.
 */
export function jobDisplayName(kind: JobKind, meta: Pick<JobMeta, 'clientId' | 'channelId'>, payload: unknown): string {
  const one = laneRefnum(kind, payload);
  const several = specOf(kind)?.orders?.(payload);
  const skus = jobSkus(kind, payload);
  const orders = one !== null ? ` order ${one}` : several ? ` orders ${several.slice(0, 5).join(', ')}${several.length > 5 ? ', …' : ''}` : '';
  const what = skus.length > 0 ? ` ${skus.length} sku${skus.length === 1 ? '' : 's'} (${skus.slice(0, 3).join(', ')}${skus.length > 3 ? ', …' : ''})` : orders;
  return `${kind}${what} (client ${meta.clientId}, channel ${meta.channelId})`;
}

function idPart(value: string): string {
  // BullMQ job ids may not contain ':'; keep ids readable for operators otherwise.
  return value.replace(/[^A-Za-z0-9_.-]/g, '_');
}

/**
 * Deterministic job id: the same action for the same client, channel and normalised payload is one job while the
 * job is retained (DEDUP_WINDOW_SECONDS), so a redelivered webhook never runs twice.
 */
export function jobIdFor(kind: JobKind, clientId: string, channelId: string, payload: unknown): string {
  // The readable prefix may collide ("1-2"/"3" and "1"/"2-3"); the digest covers the exact ids, so the id cannot.
  const digest = hash('sha256', stableStringify({ kind, clientId, channelId, payload }), 'hex').slice(0, 32);
  return `${kind}-${idPart(clientId)}-${idPart(channelId)}-${digest}`;
}

/**
 * JSON with sorted object keys, so that field order in the webhook does not change the hash. Built by concatenation
 * (no entry arrays, no sort comparator): it runs for every webhook, and its output must never change, as job ids
 * are made from it (test/unit/job-contract.test.ts pins both).
 */
export function stableStringify(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value);
  if (Array.isArray(value)) {
    let out = '[';
    for (let index = 0; index < value.length; index += 1) out += (index === 0 ? '' : ',') + (stableStringify(value[index]) ?? '');
    return `${out}]`;
  }
  const record = value as Record<string, unknown>;
  // Default sort: UTF-16 code unit order, the order `<` gives strings.
  const keys = Object.keys(record).sort();
  let out = '{';
  for (const key of keys) {
    const inner = record[key];
    if (inner === undefined) continue;
    out += `${out.length === 1 ? '' : ','}${JSON.stringify(key)}:${stableStringify(inner)}`;
  }
  return `${out}}`;
}
