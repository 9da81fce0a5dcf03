// Writes one ledger entry per tracked /v3 call when its answer (success or error) is sent, so the
// recorded status is exactly what the client received.
import type { FastifyInstance } from 'fastify';
import type { SandboxContext } from '../context.js';
import { endpointOf } from '../error-handler.js';
import { headerValue } from './request-helpers.js';

export function installLedgerRecorder(scope: FastifyInstance, ctx: SandboxContext): void {
  scope.addHook('onSend', async (request, reply, payload) => {
    const call = ctx.tracker.take(request);
    if (call !== undefined) {
      ctx.ledger.record({
        at: call.at,
        method: request.method,
        path: endpointOf(request),
        kind: call.kind,
        orderNumber: call.orderNumber,
        requestId: headerValue(request, 'x-fabric-request-id') ?? null,
        status: reply.statusCode,
        body: request.body ?? null,
      });
    }
    return payload;
  });
}
