import { hash } from 'node:crypto';
import rateLimit from '@fastify/rate-limit';
import underPressure from '@fastify/under-pressure';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { ingressRateLimitNameSpace, ingressRateLimitSubject } from '../shared/keys.js';
import type { IngressDeps } from './context.js';
import { bearerToken, field } from './credentials.js';
import { OverloadedError, RateLimitedError } from './errors.js';

/** Seconds a shed request is told to wait. */
const OVERLOAD_RETRY_AFTER_SECONDS = 10;

/**
 * Who a request counts against: the RetailOPS client it names (seed `headers.client_id`, v1 `client_id`), else the
 * credentials it presents (hashed: a token never becomes a Redis key), else the remote address.
 */
export function rateLimitKey(request: FastifyRequest): string {
  const payload = request.method === 'GET' ? request.query : request.body;
  const client = field(payload, 'headers', 'client_id') ?? field(payload, 'client_id');
  if (typeof client === 'string' || typeof client === 'number') return ingressRateLimitSubject('client', String(client).slice(0, 64));
  const token = bearerToken(request) ?? field(payload, 'headers', 'ticket') ?? field(payload, 'integration_auth_token');
  if (typeof token === 'string') return ingressRateLimitSubject('token', hash('sha256', token, 'hex').slice(0, 32));
  return ingressRateLimitSubject('ip', request.ip);
}

/**
 * Per-client rate limiting, counted in Redis so that the limit holds across ingress replicas (a Redis outage skips
 * the count: the enqueue answers 503 anyway), and load shedding when the event loop lags or memory runs high
 * (many large bodies in flight): 429/503 with
 * Retry-After, never a crash. Routes opt out with `config: { rateLimit: false }` (health checks). Registered on
 * the root instance (both plugins skip encapsulation), before the routes.
 */
export function registerProtection(app: FastifyInstance, deps: IngressDeps): void {
  const { rateLimit: limits, maxEventLoopDelayMs, maxHeapUsedBytes, maxRssBytes } = deps.config.protection;
  if (limits.max > 0) {
    void app.register(rateLimit, {
      global: true,
      max: limits.max,
      timeWindow: limits.windowMs,
      hook: 'preHandler',
      redis: deps.redis,
      nameSpace: ingressRateLimitNameSpace(deps.config.queuePrefix),
      skipOnError: true,
      keyGenerator: rateLimitKey,
      errorResponseBuilder: (_request, context) =>
        new RateLimitedError(`at most ${context.max} requests per ${Math.round(limits.windowMs / 1000)} s for this client; retry after ${context.after}`),
    });
  }
  if (maxEventLoopDelayMs > 0 || maxHeapUsedBytes > 0 || maxRssBytes > 0) {
    void app.register(underPressure, {
      // 0 leaves a check off in under-pressure too.
      maxEventLoopDelay: maxEventLoopDelayMs,
      maxHeapUsedBytes,
      maxRssBytes,
      retryAfter: OVERLOAD_RETRY_AFTER_SECONDS,
      pressureHandler: (_request, reply, type, value) => {
        reply.header('retry-after', String(OVERLOAD_RETRY_AFTER_SECONDS));
        throw new OverloadedError(`${type} at ${Math.round(Number(value))}, retry later`);
      },
    });
  }
}
