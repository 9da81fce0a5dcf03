import type { FastifyInstance } from 'fastify';
import { orderAcknowledgeV1Request } from '../../../shared/retailops/v1-requests.js';
import { acknowledgeOrders } from '../../acknowledge.js';
import type { IngressDeps } from '../../context.js';
import { v1Credentials } from '../../credentials.js';
import { registerWebhook } from '../../webhook.js';

/** order_acknowledge_v1: as GET /orders/order_ack, and RetailOPS' order ids are recorded on the fabric orders. */
export function registerOrderAcknowledgeV1(app: FastifyInstance, deps: IngressDeps): void {
  registerWebhook(app, deps, {
    method: 'POST',
    url: '/order_acknowledge_v1',
    schema: orderAcknowledgeV1Request,
    dialect: 'v1',
    credentials: v1Credentials,
    storesOwnEvents: true, // unknown refnums are warnings in this very response
    handle: async ({ input, caller, meta }) => {
      const ids = Object.fromEntries(
        input.orders.flatMap((order) => (order.retailops_order_id ? [[order.channel_order_refnum, order.retailops_order_id]] : [])),
      );
      await acknowledgeOrders(deps, caller, meta, input.orders.map((order) => order.channel_order_refnum), ids);
    },
  });
}
