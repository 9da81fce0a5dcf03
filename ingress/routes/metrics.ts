import type { FastifyInstance } from 'fastify';
import { collectEventMetrics, collectInboxMetrics, collectQueueMetrics } from '../../shared/metrics-collect.js';
import type { Metrics } from '../../shared/metrics.js';
import type { IngressDeps } from '../context.js';

/** GET /metrics (Prometheus text) and the request and deduplication counters behind it. */
export function registerMetrics(app: FastifyInstance, deps: IngressDeps, metrics: Metrics): void {
  /** The bindings the last scrape reported: one a reload removed loses its series rather than keep its last values. */
  let reported: readonly string[] = [];
  deps.queues.onDeduplicated(({ queue }) => metrics.webhooksDeduplicated.inc({ queue }));
  app.addHook('onResponse', async (request, reply) => {
    const route = request.routeOptions.url ?? 'unmatched';
    if (route === '/metrics') return;
    metrics.httpRequests.inc({ route, method: request.method, status: String(reply.statusCode) });
    metrics.httpDuration.observe({ route, method: request.method }, reply.elapsedTime / 1000);
  });

  app.get('/metrics', { logLevel: 'warn', config: { rateLimit: false } }, async (_request, reply) => {
    if (deps.redis.status === 'ready') {
      await collectQueueMetrics(metrics, deps.redis, deps.queues.all());
      await collectEventMetrics(metrics, deps.redis, deps.config.queuePrefix);
      const bindings = deps.channels.channels.map((binding) => binding.key);
      for (const gone of reported.filter((key) => !bindings.includes(key))) forgetBinding(metrics, gone);
      reported = bindings;
      await collectInboxMetrics(metrics, deps.inbox, bindings);
    }
    return reply.type(metrics.registry.contentType).send(await metrics.registry.metrics());
  });
}

function forgetBinding(metrics: Metrics, binding: string): void {
  for (const gauge of [metrics.inboxPending, metrics.inboxOldestPendingAge, metrics.orderSyncLastSuccess]) gauge.remove({ binding });
}
