// Order documents: create, fetch by number or id, search, and the update-attributes action.
import type { FastifyPluginAsync } from 'fastify';
import type { SandboxContext } from '../context.js';
import { ErrorCodes, SandboxApiError } from '../errors.js';
import { applyAttributeUpdate, updateAttributesRequestSchema } from '../operations/update-attributes.js';
import { searchBodySchema, searchOrders, searchQuerySchema } from '../search.js';
import { parseWith } from '../validation.js';
import {
  createOrderFromBody,
  headerValue,
  rawField,
  requireOrderById,
  requireOrderByNumber,
  trackCall,
} from './request-helpers.js';

interface ByNumber {
  Params: { orderNumber: string };
}

interface ById {
  Params: { orderId: string };
}

export function buildOrderRoutes(ctx: SandboxContext): FastifyPluginAsync {
  return async (app) => {
    app.post('/orders', async (request, reply) => {
      trackCall(ctx, request, 'create-order', rawField(request.body, 'orderNumber'));
      const order = createOrderFromBody(ctx, request.body, headerValue(request, 'x-fabric-channel-id'));
      return reply.code(201).send(order);
    });

    app.get<ByNumber>('/orders/order-number/:orderNumber', async (request) =>
      requireOrderByNumber(ctx, request.params.orderNumber),
    );

    app.get<ById>('/orders/:orderId', async (request) => requireOrderById(ctx, request.params.orderId));

    app.post('/orders/search', async (request) => {
      const query = parseWith(searchQuerySchema, request.query, 'query');
      const body = parseWith(searchBodySchema, request.body, 'body');
      return searchOrders(ctx.state.list(), body, query);
    });

    app.post<ByNumber>('/orders/order-number/:orderNumber/actions/update-attributes', async (request) => {
      trackCall(ctx, request, 'update-attributes', request.params.orderNumber);
      const body = parseWith(updateAttributesRequestSchema, request.body, 'body');
      // fabric documents 200/400/401/500 for update-attributes, no 404: an unknown order is a 400 with the
      // "does not exist" code (SERVICE-4004).
      const order = ctx.state.findByNumber(request.params.orderNumber);
      if (order === undefined) throw new SandboxApiError(400, ErrorCodes.notFound, `Order ${request.params.orderNumber} not found`);
      return ctx.state.commit(applyAttributeUpdate(order, body, ctx.nowIso()));
    });
  };
}
