import { createHash } from 'node:crypto';
import { z } from 'zod';
import { QUEUE_NAMES, type QueueName } from './config.js';

/**
 * The contract between ingress and workers: which job goes on which queue, and the zod schema of its data. Payloads
 * are normalised at ingress (ids as strings, amounts as decimal strings), so workers never see the seeds' type quirks.
 */
export { QUEUE_NAMES, type QueueName };

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

/** Job kinds, their queue and their payload schema. */
export const JOB_KINDS = {
  'order.sync': { queue: 'order', payload: syncPayloadSchema },
  'order.ack': { queue: 'order', payload: ackPayloadSchema },
  'order.complete': { queue: 'order', payload: completePayloadSchema },
  'order.shipment': { queue: 'order', payload: shipmentPayloadSchema },
  cancel: { queue: 'cancel', payload: cancelPayloadSchema },
  update: { queue: 'update', payload: updatePayloadSchema },
  return: { queue: 'return', payload: returnPayloadSchema },
} as const satisfies Record<string, { queue: QueueName; payload: z.ZodType }>;

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

/** Job kinds that act on one order and so keep that order's sequence (shared/order-lanes.ts). */
const LANE_KINDS: ReadonlySet<JobKind> = new Set(['order.complete', 'order.shipment', 'cancel', 'update', 'return']);

/** The order whose lane a job belongs to; null for jobs not about one order (sync, ack). */
export function laneRefnum(kind: JobKind, payload: unknown): string | null {
  if (!LANE_KINDS.has(kind)) return null;
  const refnum = (payload as { refnum?: unknown }).refnum;
  return typeof refnum === 'string' ? refnum : null;
}

export function queueOf(kind: JobKind): QueueName {
  return JOB_KINDS[kind].queue;
}

/**
 * The job's name in BullMQ, for people: what, which order, whose, e.g. "cancel order 496 (client 497, channel 21)",
 * so that an operator finds "order 496" by eye on the dashboard. Workers dispatch on `data.kind`, never on the name.
 */
export function jobDisplayName(kind: JobKind, meta: Pick<JobMeta, 'clientId' | 'channelId'>, payload: unknown): string {
  const { refnum, refnums } = payload as { refnum?: unknown; refnums?: unknown };
  const orders =
    typeof refnum === 'string' ? ` order ${refnum}` : Array.isArray(refnums) ? ` orders ${refnums.slice(0, 5).join(', ')}${refnums.length > 5 ? ', …' : ''}` : '';
  return `${kind}${orders} (client ${meta.clientId}, channel ${meta.channelId})`;
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
  const digest = createHash('sha256').update(stableStringify({ kind, clientId, channelId, payload })).digest('hex').slice(0, 32);
  return `${kind}-${idPart(clientId)}-${idPart(channelId)}-${digest}`;
}

/** JSON with sorted object keys, so that field order in the webhook does not change the hash. */
export function stableStringify(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(stableStringify).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, inner]) => inner !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([key, inner]) => `${JSON.stringify(key)}:${stableStringify(inner)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}
