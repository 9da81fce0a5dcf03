// fabric's submit-return-request action (201 with the refund summary).
import type { FastifyPluginAsync } from 'fastify';
import type { SandboxContext } from '../context.js';
import { applyReturn, returnRequestSchema } from '../operations/return.js';
import { parseWith } from '../validation.js';
import { requireOrderByNumber, trackCall } from './request-helpers.js';

export function buildReturnRoutes(ctx: SandboxContext): FastifyPluginAsync {
  return async (app) => {
    app.post<{ Params: { orderNumber: string } }>(
      '/orders/order-number/:orderNumber/actions/submit-return-request',
      async (request, reply) => {
        trackCall(ctx, request, 'return', request.params.orderNumber);
        const body = parseWith(returnRequestSchema, request.body, 'body');
        const current = requireOrderByNumber(ctx, request.params.orderNumber);
        const { order, response } = applyReturn(current, body, ctx.nowIso());
        ctx.state.commit(order);
        return reply.code(201).send(response);
      },
    );
  };
}
