import type { FastifyInstance } from 'fastify';
import { orderAckRequest } from '../../shared/retailops/seed-requests.js';
import { acknowledgeOrders } from '../acknowledge.js';
import type { IngressDeps } from '../context.js';
import { registerWebhook } from '../webhook.js';

/** GET /orders/order_ack (seed 000). */
export function registerOrderAck(app: FastifyInstance, deps: IngressDeps): void {
  registerWebhook(app, deps, {
    method: 'GET',
    url: '/orders/order_ack',
    schema: orderAckRequest,
    dialect: 'handle',
    storesOwnEvents: true, // unknown refnums are warnings in this very response
    handle: async ({ input, caller, meta }) => {
      await acknowledgeOrders(deps, caller, meta, input.data.order.acks);
    },
  });
}
