// One internal model for what RetailOPS is told about work that did not go as asked. It is rendered per route
// dialect (events/render.ts) and kept in Redis until a response carrying it has been written (events/store.ts).
import { z } from 'zod';
import type { EventCode } from './codes.js';

export const eventAssociationSchema = z.object({
  type: z.enum(['order', 'order_refnum', 'sku', 'orderitem_refnum', 'shipment', 'return']),
  id: z.string(),
});

export const channelEventSchema = z.object({
  /** Stable id: one failure per job, so a job recorded twice (stalled and re-run) stores one event. */
  id: z.string(),
  severity: z.enum(['error', 'warning']),
  /** The RetailOPS action the event is about: cancel, update, return, complete, ack. */
  action: z.string(),
  code: z.string(),
  message: z.string(),
  /** HTTP status of the failed channel request, when there was one. */
  httpStatus: z.number().int().nullable(),
  requestUrl: z.string().nullable(),
  associations: z.array(eventAssociationSchema),
  diagnostic: z.record(z.string(), z.unknown()),
  occurredAt: z.string(),
});

export type ChannelEvent = z.infer<typeof channelEventSchema>;
export type EventAssociation = z.infer<typeof eventAssociationSchema>;

/** Whose events these are: RetailOPS' client and channel ids, as the request named them. */
export interface EventScope {
  readonly clientId: string;
  readonly channelId: string;
}

export function orderAssociations(refnum: string, skus: readonly string[] = []): EventAssociation[] {
  return [{ type: 'order', id: refnum }, ...skus.map((sku) => ({ type: 'sku' as const, id: sku }))];
}

/** What a warning says; the rest of its event is fixed (see `warningEvent`). */
export interface Warning {
  readonly id: string;
  readonly action: string;
  /** A warning is always the bridge's own: its code is one of the table's. */
  readonly code: EventCode;
  readonly message: string;
  readonly occurredAt: string;
  readonly associations?: EventAssociation[];
  readonly diagnostic?: Record<string, unknown>;
}

/**
 * A warning event: something RetailOPS should know although nothing failed, so there is no failed channel request
 * to name (httpStatus and requestUrl null).
 */
export function warningEvent(warning: Warning): ChannelEvent {
  return {
    id: warning.id,
    severity: 'warning',
    action: warning.action,
    code: warning.code,
    message: warning.message,
    httpStatus: null,
    requestUrl: null,
    associations: warning.associations ?? [],
    diagnostic: warning.diagnostic ?? {},
    occurredAt: warning.occurredAt,
  };
}
