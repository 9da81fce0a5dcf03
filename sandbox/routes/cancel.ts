// fabric's cancel action, addressed by order number or by order id (same rules either way).
// Like every action: body validation (400) first, then the order lookup (404), then the rules.
import type { FastifyPluginAsync } from 'fastify';
import type { SandboxContext } from '../context.js';
import { applyCancel, cancelRequestSchema } from '../operations/cancel.js';
import { parseWith } from '../validation.js';
import { requireOrderById, requireOrderByNumber, trackCall } from './request-helpers.js';

export function buildCancelRoutes(ctx: SandboxContext): FastifyPluginAsync {
  return async (app) => {
    app.post<{ Params: { orderNumber: string } }>(
      '/orders/order-number/:orderNumber/actions/cancel',
      async (request) => {
        trackCall(ctx, request, 'cancel', request.params.orderNumber);
        const body = parseWith(cancelRequestSchema, request.body, 'body');
        const order = requireOrderByNumber(ctx, request.params.orderNumber);
        return ctx.state.commit(applyCancel(order, body, ctx.nowIso()));
      },
    );

    app.post<{ Params: { orderId: string } }>('/orders/:orderId/actions/cancel', async (request) => {
      trackCall(ctx, request, 'cancel', null);
      const body = parseWith(cancelRequestSchema, request.body, 'body');
      const order = requireOrderById(ctx, request.params.orderId);
      ctx.tracker.setOrderNumber(request, order.orderNumber);
      return ctx.state.commit(applyCancel(order, body, ctx.nowIso()));
    });
  };
}
