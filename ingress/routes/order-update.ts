import type { FastifyInstance } from 'fastify';
import { orderUpdateRequest, type OrderUpdateRequest } from '../../shared/retailops/seed-requests.js';
import type { JobPayload } from '../../shared/jobs/contract.js';
import type { IngressDeps } from '../context.js';
import { registerEnqueueWebhook } from '../webhook.js';

export function toUpdatePayload(input: OrderUpdateRequest): JobPayload<'update'> {
  return {
    refnum: input.data.order.channel_refnum,
    lineItems: input.data.line_items.map((item) => ({ sku: item.sku, quantity: item.quantity, removed: item.removed ?? false })),
  };
}

/** POST /order_update (seed 002). */
export function registerOrderUpdate(app: FastifyInstance, deps: IngressDeps): void {
  registerEnqueueWebhook(app, deps, { url: '/order_update', schema: orderUpdateRequest, dialect: 'status', kind: 'update', toPayload: toUpdatePayload });
}
