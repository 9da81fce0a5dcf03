import { randomUUID } from 'node:crypto';
import Fastify, { LogController, type FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import { ingressLogger } from './logger.js';
import type { IngressDeps } from './context.js';
import { registerErrorHandler } from './error-handler.js';
import { registerJsonBody } from './json-body.js';
import { parseQueryString } from './querystring.js';
import { registerAdmin } from './routes/admin.js';
import { registerHealth } from './routes/health.js';
import { registerMetrics } from './routes/metrics.js';
import { registerOrderAck } from './routes/order-ack.js';
import { registerOrderCancel } from './routes/order-cancel.js';
import { registerOrderComplete } from './routes/order-complete.js';
import { registerOrderFetch } from './routes/order-fetch.js';
import { registerOrderReturned } from './routes/order-returned.js';
import { registerOrderUpdate } from './routes/order-update.js';
import { registerV1Routes } from './routes/v1/index.js';
import { registerProtection } from './protection.js';
import { registerEventAcknowledgement } from './webhook.js';
import { activeTracing } from '../shared/telemetry/tracing.js';

const REQUEST_ID = /^[A-Za-z0-9._-]{1,64}$/;

/** Builds the ingress app from its dependencies; it never listens (ingress/main.ts does, tests use inject or port 0). */
export function buildIngressApp(deps: IngressDeps, logger: Logger): FastifyInstance {
  const { timeouts } = deps.config;
  const app = Fastify({
    loggerInstance: ingressLogger(logger),
    bodyLimit: deps.config.bodyLimitBytes,
    // Slow clients: Node answers 408 and closes a connection whose headers or whole request take too long (checked
    // every second rather than Node's default 30 s, so a held connection is freed close to its deadline).
    http: {
      headersTimeout: timeouts.headersMs,
      requestTimeout: timeouts.requestMs,
      connectionsCheckingInterval: Math.min(1000, timeouts.headersMs),
    },
    requestTimeout: timeouts.requestMs,
    keepAliveTimeout: timeouts.keepAliveMs,
    // A peer that neither sends nor reads (a stalled response) is cut after this much socket inactivity; longer
    // than the other two, which bound slow senders, so it never cuts an idle keep-alive connection early.
    connectionTimeout: Math.max(timeouts.requestMs, timeouts.keepAliveMs) + 1000,
    routerOptions: { querystringParser: parseQueryString },
    // One line per request (below) instead of Fastify's two.
    logController: new LogController({ disableRequestLogging: true }),
    requestIdHeader: 'x-request-id',
    genReqId: (request) => {
      const given = request.headers['x-request-id'];
      return typeof given === 'string' && REQUEST_ID.test(given) ? given : randomUUID();
    },
  }) as unknown as FastifyInstance;

  // First, so that it sees every route and hook registered after it (only when tracing is on: shared/telemetry/).
  const tracing = activeTracing();
  if (tracing) void app.register(tracing.fastifyPlugin());
  app.addHook('onSend', async (request, reply) => {
    reply.header('x-request-id', request.id);
  });
  app.addHook('onResponse', async (request, reply) => {
    const level = reply.statusCode >= 500 ? 'error' : request.routeOptions.logLevel === 'warn' ? 'debug' : 'info';
    request.log[level]({ req: request, res: reply, ms: Math.round(reply.elapsedTime) }, 'request completed');
  });

  // RetailOPS posts JSON only; any other body type is a 415, not a string for the schema to puzzle over.
  app.removeContentTypeParser(['text/plain']);
  registerJsonBody(app);
  registerErrorHandler(app);
  registerEventAcknowledgement(app, deps);
  // Plugins first, then the routes in a plugin of their own, so the protection hooks apply to every route.
  registerProtection(app, deps);
  void app.register(async (scope) => {
    registerHealth(scope, deps);
    registerMetrics(scope, deps, deps.metrics);
    registerOrderFetch(scope, deps);
    registerOrderAck(scope, deps);
    registerOrderComplete(scope, deps);
    registerOrderCancel(scope, deps);
    registerOrderUpdate(scope, deps);
    registerOrderReturned(scope, deps);
    await registerV1Routes(scope, deps);
  });
  registerAdmin(app, deps);
  return app;
}
