import { createBullBoard } from '@bull-board/api';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { FastifyAdapter } from '@bull-board/fastify';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
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
    await scope.register(serverAdapter.registerPlugin(), { prefix: ADMIN_BASE_PATH });
  });
}
