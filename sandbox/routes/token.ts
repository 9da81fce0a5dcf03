// fabric's system-app token endpoint (Okta-style client credentials). It lives outside /v3, so
// neither bearer auth nor fault injection applies to it.
import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyPluginAsync } from 'fastify';
import { z } from 'zod';
import type { ClientCredentials, SandboxContext } from '../context.js';
import { unauthorized } from '../errors.js';
import { parseWith } from '../validation.js';

const tokenBodySchema = z.looseObject({
  grant_type: z.literal('client_credentials'),
  scope: z.string().min(1).optional(),
});

/** Compares digests so neither content nor length of a secret leaks through timing. */
function sameSecret(given: string, expected: string): boolean {
  const digest = (value: string): Buffer => createHash('sha256').update(value).digest();
  return timingSafeEqual(digest(given), digest(expected));
}

function authenticateClient(header: string | undefined, clients: readonly ClientCredentials[]): boolean {
  const match = /^Basic\s+(\S+)$/i.exec(header ?? '');
  if (match?.[1] === undefined) return false;
  const decoded = Buffer.from(match[1], 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) return false;
  const clientId = decoded.slice(0, colon);
  const clientSecret = decoded.slice(colon + 1);
  // Every client is checked, so timing does not reveal which client ids exist.
  return clients
    .map((client) => sameSecret(clientId, client.clientId) && sameSecret(clientSecret, client.clientSecret))
    .includes(true);
}

export function buildTokenRoutes(ctx: SandboxContext): FastifyPluginAsync {
  return async (app) => {
    // Registered in this plugin only: form bodies are accepted here and nowhere else.
    app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string' }, (_request, body, done) => {
      done(null, Object.fromEntries(new URLSearchParams(String(body))));
    });

    app.post('/oauth2/:authServerId/v1/token', async (request, reply) => {
      if (!authenticateClient(request.headers.authorization, ctx.clients)) {
        throw unauthorized('Invalid client credentials');
      }
      const body = parseWith(tokenBodySchema, request.body, 'body');
      return reply.code(200).send({
        token_type: 'Bearer',
        expires_in: ctx.tokens.ttlSeconds,
        access_token: ctx.tokens.issue(),
        scope: body.scope ?? 's2s',
      });
    });
  };
}
