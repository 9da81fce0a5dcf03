import type { FastifyInstance } from 'fastify';
import { orderCancelRequest, type OrderCancelRequest } from '../../shared/retailops/seed-requests.js';
import type { JobPayload } from '../../shared/jobs/contract.js';
import type { IngressDeps } from '../context.js';
import { registerEnqueueWebhook } from '../webhook.js';

export function toCancelPayload(input: OrderCancelRequest): JobPayload<'cancel'> {
  return { refnum: input.data.order.channel_refnum, retailopsOrderId: input.data.order.id ?? null };
}

/** POST /orders/cancel (seed 000, handle-dialect events) and POST /order_cancel (seed 001): one job kind. */
export function registerOrderCancel(app: FastifyInstance, deps: IngressDeps): void {
  for (const [url, dialect] of [['/orders/cancel', 'handle'], ['/order_cancel', 'status']] as const) {
    registerEnqueueWebhook(app, deps, { url, schema: orderCancelRequest, dialect, kind: 'cancel', toPayload: toCancelPayload });
  }
}
