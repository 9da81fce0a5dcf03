import { createBullBoard } from '@bull-board/api';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { FastifyAdapter } from '@bull-board/fastify';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { AuditLog } from '../../shared/audit.js';
import { tokensEqual } from '../../shared/tokens.js';
import type { IngressDeps } from '../context.js';

export const ADMIN_BASE_PATH = '/admin/queues';

/** Accepts `Authorization: Bearer <ADMIN_TOKEN>` or basic auth with ADMIN_TOKEN as the password (for browsers). */
export function adminAuthorized(header: string | undefined, token: string): boolean {
  if (!header) return false;
  const bearer = /^Bearer\s+(.+)$/i.exec(header)?.[1]?.trim();
  if (bearer) return tokensEqual(bearer, token);
  const basic = /^Basic\s+(.+)$/i.exec(header)?.[1];
  if (!basic) return false;
  const decoded = Buffer.from(basic, 'base64').toString('utf8');
  const password = decoded.slice(decoded.indexOf(':') + 1);
  return decoded.includes(':') && tokensEqual(password, token);
}

/**
 * Bull Board for every queue at /admin/queues, behind ADMIN_TOKEN. Without ADMIN_TOKEN there is no admin route at
 * all; the board is read-only unless ADMIN_ALLOW_RETRIES=true (then retries, and only retries, are allowed).
 */
export function registerAdmin(app: FastifyInstance, deps: IngressDeps): void {
  const { token, allowRetries } = deps.config.admin;
  if (token === null) return;
  const serverAdapter = new FastifyAdapter();
  createBullBoard({
    queues: deps.queues.all().map((queue) => new BullMQAdapter(queue, { readOnlyMode: !allowRetries, allowRetries })),
    serverAdapter,
    options: { uiConfig: { boardTitle: 'retailops-bridge' } },
  });
  serverAdapter.setBasePath(ADMIN_BASE_PATH);
  void app.register(async (scope) => {
    scope.addHook('onRequest', async (request: FastifyRequest, reply: FastifyReply) => {
      if (adminAuthorized(request.headers.authorization, token)) return;
      return reply
        .code(401)
        .header('www-authenticate', 'Basic realm="retailops-bridge admin", charset="UTF-8"')
        .send({ error: 'Unauthorized: the admin board needs ADMIN_TOKEN (Bearer, or basic auth password)', code: 'ROB_UNAUTHORIZED' });
    });
    if (allowRetries) auditRetries(scope, deps);
    await scope.register(serverAdapter.registerPlugin(), { prefix: ADMIN_BASE_PATH });
  });
}

/** Bull Board's two retry routes (PUT): one job, or every job of a queue in a status. */
const RETRY_ROUTES = [`${ADMIN_BASE_PATH}/api/queues/:queueName/:jobId/retry`, `${ADMIN_BASE_PATH}/api/queues/:queueName/retry/:queueStatus`];

/**
 * With ADMIN_ALLOW_RETRIES=true the board's queues are not read-only, which in Bull Board also allows cleaning,
 * emptying, pausing, adding jobs: refused here, so that retries and only retries change anything. Each retry is
 * recorded in the operator audit stream (shared/audit.ts) before it runs (refused with 503 when that cannot
 * be written), and its result after. The actor is the credential: the one ADMIN_TOKEN, and the client's address.
 */
function auditRetries(scope: FastifyInstance, deps: IngressDeps): void {
  const log = new AuditLog(deps.redis, deps.config.queuePrefix, { retentionDays: deps.config.auditRetentionDays });
  const intents = new WeakMap<FastifyRequest, string>();
  scope.addHook('preHandler', async (request: FastifyRequest, reply: FastifyReply) => {
    if (request.method === 'GET' || request.method === 'HEAD') return;
    const route = request.routeOptions.url ?? '';
    if (!RETRY_ROUTES.includes(route)) {
      return reply.code(405).send({ error: 'Method Not Allowed: the admin board allows retries only (ADMIN_ALLOW_RETRIES)', code: 'ROB_ADMIN_READ_ONLY' });
    }
    const params = request.params as Record<string, string | undefined>;
    try {
      const id = await log.begin({
        source: 'admin',
        actor: `admin-token@${request.ip}`,
        command: 'bull-board retry',
        args: { queue: params['queueName'] ?? null, ...(params['jobId'] !== undefined ? { id: params['jobId'] } : { all: true, status: params['queueStatus'] ?? null }) },
      });
      intents.set(request, id);
    } catch (error) {
      request.log.error({ err: error }, 'admin retry refused: its audit entry could not be written');
      return reply.code(503).send({ error: 'Service Unavailable: the retry was refused because its audit entry could not be written', code: 'ROB_AUDIT_UNAVAILABLE' });
    }
  });
  scope.addHook('onSend', async (request: FastifyRequest, reply: FastifyReply, payload: unknown) => {
    const id = intents.get(request);
    if (id === undefined) return payload;
    intents.delete(request);
    let body: Record<string, unknown> = {};
    try {
      body = typeof payload === 'string' && payload !== '' ? (JSON.parse(payload) as Record<string, unknown>) : {};
    } catch {
      // not JSON: no counts
    }
    const ok = reply.statusCode < 400;
    const counts: Record<string, number> = !ok ? {} : typeof body['retried'] === 'number' ? { retried: body['retried'], notRetried: Number(body['skipped'] ?? 0) } : { retried: 1 };
    const message = ok ? undefined : `HTTP ${reply.statusCode}: ${typeof body['error'] === 'string' ? body['error'] : typeof body['message'] === 'string' ? body['message'] : JSON.stringify(body).slice(0, 300)}`;
    await log
      .finish(id, { result: ok ? 'ok' : 'error', counts, ...(message !== undefined ? { message } : {}) })
      .catch((error: unknown) => request.log.error({ err: error, auditId: id }, 'the result of an admin retry could not be written to the audit stream'));
    return payload;
  });
}
