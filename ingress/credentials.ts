import type { FastifyRequest } from 'fastify';
import { retailopsIdOf } from '../shared/retailops/ids.js';
import type { PresentedCredentials } from './auth.js';

/**
 * Reads credentials and the channel id from a request before it is validated: authentication comes first, so an
 * unauthenticated caller learns nothing about what a valid payload looks like.
 */
/** A value inside an unvalidated payload, or undefined; own properties only. */
export function field(source: unknown, ...path: string[]): unknown {
  let current = source;
  for (const key of path) {
    if (current === null || typeof current !== 'object' || !Object.hasOwn(current, key)) return undefined;
    current = (current as Record<string, unknown>)[key];
  }
  return current;
}

/**
 * A malformed id reads as absent here; the route's schema then refuses it with a 400 that says what is wrong,
 * after authentication, so an unauthenticated caller learns nothing about the payload's shape.
 */
const asId = retailopsIdOf;

export function bearerToken(request: FastifyRequest): string | null {
  const header = request.headers.authorization;
  if (typeof header !== 'string') return null;
  const match = /^Bearer\s+(.+)$/i.exec(header.trim());
  return match?.[1]?.trim() ?? null;
}

export function presentedCredentials(request: FastifyRequest, payload: unknown): PresentedCredentials {
  const ticket = field(payload, 'headers', 'ticket');
  return {
    token: bearerToken(request) ?? (typeof ticket === 'string' ? ticket : null),
    clientId: asId(field(payload, 'headers', 'client_id')),
    channelId: asId(field(payload, 'data', 'channel', 'id')),
  };
}

/** The v1 SDK's credentials: `integration_auth_token`, `client_id` and `channel_info.id` in the body. */
export function v1Credentials(request: FastifyRequest, payload: unknown): PresentedCredentials {
  const token = field(payload, 'integration_auth_token');
  return {
    token: typeof token === 'string' ? token : bearerToken(request),
    clientId: asId(field(payload, 'client_id')),
    channelId: asId(field(payload, 'channel_info', 'id')),
  };
}
