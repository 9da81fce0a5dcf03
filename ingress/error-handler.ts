import type { FastifyError, FastifyInstance } from 'fastify';

/** Seconds a caller should wait before retrying when the queue is unreachable. */
export const RETRY_AFTER_SECONDS = 5;

/**
 * Renders every error as `{error, code, issues?}`. Client errors say what was wrong; server errors answer a generic
 * message and the full error goes to the log with the request id.
 */
export function registerErrorHandler(app: FastifyInstance): void {
  app.setErrorHandler((error: FastifyError & { issues?: unknown }, request, reply) => {
    const status = error.statusCode && error.statusCode >= 400 && error.statusCode < 600 ? error.statusCode : 500;
    if (status === 503) {
      request.log.warn({ code: error.code }, error.message);
      // A shedding plugin may have set its own Retry-After; otherwise the queue's.
      const retryAfter = reply.getHeader('retry-after') ?? String(RETRY_AFTER_SECONDS);
      return reply.code(503).header('retry-after', retryAfter).send({ error: error.message, code: error.code });
    }
    if (status >= 500) {
      request.log.error({ err: error }, 'request failed');
      return reply.code(status).send({ error: 'Internal server error', code: 'ROB_INTERNAL' });
    }
    request.log.info({ code: error.code, status }, error.message);
    return reply.code(status).send({
      error: error.message,
      code: error.code ?? 'ROB_BAD_REQUEST',
      ...(error.issues ? { issues: error.issues } : {}),
    });
  });

  app.setNotFoundHandler((request, reply) => {
    reply.code(404).send({ error: `Route ${request.method} ${request.url.split('?')[0]} not found`, code: 'ROB_NOT_FOUND' });
  });
}
