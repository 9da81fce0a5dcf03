// /_sandbox/*: controls for tests and demos (faults, ledger, reset, direct order access). No auth
// and no faults, so a test can always reach them even while /v3 is failing.
import type { FastifyPluginAsync } from 'fastify';
import type { SandboxContext } from '../context.js';
import { orderNotFound } from '../errors.js';
import { faultConfigInputSchema } from '../faults.js';
import { parseWith } from '../validation.js';
import { createOrderFromBody } from './request-helpers.js';

export function buildTestHookRoutes(ctx: SandboxContext): FastifyPluginAsync {
  return async (app) => {
    app.post('/faults', async (request) => {
      const input = parseWith(faultConfigInputSchema, request.body ?? {}, 'body');
      const config = ctx.faults.configure(input);
      request.log.info({ faults: config }, 'sandbox faults configured');
      return config;
    });

    app.delete('/faults', async () => ctx.faults.clear());

    app.get('/calls', async () => ({ calls: ctx.ledger.list() }));

    app.post('/reset', async () => {
      ctx.state.reset();
      ctx.ledger.clear();
      ctx.faults.clear();
      return { reset: true };
    });

    app.post('/orders', async (request, reply) => {
      const order = createOrderFromBody(ctx, request.body, undefined);
      return reply.code(201).send(order);
    });

    app.get<{ Params: { orderNumber: string } }>('/orders/:orderNumber', async (request) => {
      const order = ctx.state.findByNumber(request.params.orderNumber);
      if (order === undefined) throw orderNotFound(request.params.orderNumber);
      return order;
    });
  };
}
