// Small readers shared by the route files: headers, raw body fields, order lookups that 404.
import type { FastifyRequest } from 'fastify';
import type { SandboxContext } from '../context.js';
import { orderNotFound } from '../errors.js';
import { buildOrder } from '../order-factory.js';
import { orderInputSchema } from '../order-input.js';
import type { LedgerKind, StoredOrder } from '../types.js';
import { parseWith } from '../validation.js';

/** First value of a header, or undefined when absent or empty. */
export function headerValue(request: FastifyRequest, name: string): string | undefined {
  const raw = request.headers[name];
  const value = Array.isArray(raw) ? raw[0] : raw;
  return value === undefined || value.trim() === '' ? undefined : value;
}

/** A string (or number) field of an unvalidated body, for ledger entries written before validation. */
export function rawField(body: unknown, key: string): string | null {
  if (body === null || typeof body !== 'object') return null;
  const value = (body as Record<string, unknown>)[key];
  return typeof value === 'string' || typeof value === 'number' ? String(value) : null;
}

export function requireOrderByNumber(ctx: SandboxContext, orderNumber: string): StoredOrder {
  const order = ctx.state.findByNumber(orderNumber);
  if (order === undefined) throw orderNotFound(orderNumber);
  return order;
}

export function requireOrderById(ctx: SandboxContext, orderId: string): StoredOrder {
  const order = ctx.state.findById(orderId);
  if (order === undefined) throw orderNotFound(orderId);
  return order;
}

/** Shared by POST /v3/orders and the unauthenticated /_sandbox/orders hook. */
export function createOrderFromBody(ctx: SandboxContext, body: unknown, channelId: string | undefined): StoredOrder {
  const input = parseWith(orderInputSchema, body, 'body');
  return ctx.state.insert(buildOrder(input, { now: ctx.nowIso(), channelId: channelId ?? '12' }));
}

/** Marks a mutating call as having reached the business logic; the ledger records it on send. */
export function trackCall(
  ctx: SandboxContext,
  request: FastifyRequest,
  kind: LedgerKind,
  orderNumber: string | null,
): void {
  ctx.tracker.track(request, kind, orderNumber, ctx.nowIso());
}
