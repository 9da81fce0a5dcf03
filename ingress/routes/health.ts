import type { FastifyInstance } from 'fastify';
import type { IngressDeps } from '../context.js';

/**
 * Liveness (the process answers) and readiness (Redis reachable, so a 200 on a webhook is possible). Under load
 * shedding (@fastify/under-pressure) /readyz sheds like every route, which takes the process out of its load
 * balancer for a while; /healthz does not, or an orchestrator would restart a process that is only busy.
 */
export function registerHealth(app: FastifyInstance, deps: IngressDeps): void {
  const options = { logLevel: 'warn', config: { rateLimit: false } } as const;
  app.get('/healthz', { ...options, config: { ...options.config, pressureHandler: () => undefined } }, async () => ({ status: 'ok' }));
  app.get('/readyz', options, async (_request, reply) => {
    const ready = deps.redis.status === 'ready';
    return reply.code(ready ? 200 : 503).send({ status: ready ? 'ready' : 'unavailable', redis: deps.redis.status });
  });
}
