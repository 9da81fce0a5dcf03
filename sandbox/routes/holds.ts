// fabric's fraud-release action (sandbox/hold.ts), by order number or id. The spec gives it no request body and
// answers 200 with its `apiResponse` ({ message }), not the order.
import type { FastifyPluginAsync } from 'fastify';
import type { SandboxContext } from '../context.js';
import { applyRelease } from '../hold.js';
import { requireOrderById, requireOrderByNumber, trackCall } from './request-helpers.js';

export function buildHoldRoutes(ctx: SandboxContext): FastifyPluginAsync {
  return async (app) => {
    app.post<{ Params: { orderNumber: string } }>('/orders/order-number/:orderNumber/actions/fraud-release', async (request) => {
      trackCall(ctx, request, 'fraud-release', request.params.orderNumber);
      ctx.state.commit(applyRelease(requireOrderByNumber(ctx, request.params.orderNumber), ctx.nowIso(), 'fraud'));
      return { message: 'OK' };
    });

    app.post<{ Params: { orderId: string } }>('/orders/:orderId/actions/fraud-release', async (request) => {
      trackCall(ctx, request, 'fraud-release', null);
      const order = requireOrderById(ctx, request.params.orderId);
      ctx.tracker.setOrderNumber(request, order.orderNumber);
      ctx.state.commit(applyRelease(order, ctx.nowIso(), 'fraud'));
      return { message: 'OK' };
    });
  };
}
