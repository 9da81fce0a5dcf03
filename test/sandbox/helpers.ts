// Shared setup for sandbox tests: an app per test, a token, and fabric's required headers.
import type { FastifyInstance, InjectOptions, LightMyRequestResponse } from 'fastify';
import { buildSandboxApp, type SandboxOptions } from '../../sandbox/app.js';

export const basicAuth = (clientId = 'sandbox-client', clientSecret = 'sandbox-secret'): string =>
  `Basic ${Buffer.from(`${clientId}:${clientSecret}`).toString('base64')}`;

export function requestToken(app: FastifyInstance, authorization = basicAuth()): Promise<LightMyRequestResponse> {
  return app.inject({
    method: 'POST',
    url: '/oauth2/aus-sandbox/v1/token',
    headers: { authorization, 'content-type': 'application/x-www-form-urlencoded' },
    payload: 'grant_type=client_credentials&scope=s2s',
  });
}

export async function issueToken(app: FastifyInstance): Promise<string> {
  const response = await requestToken(app);
  if (response.statusCode !== 200) throw new Error(`token request failed: ${response.body}`);
  return (response.json() as { access_token: string }).access_token;
}

export function fabricHeaders(token: string, extra: Record<string, string> = {}): Record<string, string> {
  return {
    authorization: `Bearer ${token}`,
    'x-fabric-tenant-id': 'tenant-1',
    'x-fabric-channel-id': '12',
    ...extra,
  };
}

export interface TestSandbox {
  app: FastifyInstance;
  token: string;
  /** A /v3 call with valid auth and headers. */
  v3(method: InjectOptions['method'], url: string, payload?: unknown, headers?: Record<string, string>): Promise<LightMyRequestResponse>;
}

export async function setupSandbox(options: SandboxOptions = {}): Promise<TestSandbox> {
  // Answers are checked against fabric's published schemas, so a test can read /_sandbox/contract-violations.
  const app = buildSandboxApp({ validateResponses: true, ...options });
  const token = await issueToken(app);
  return {
    app,
    token,
    v3: (method, url, payload, headers = {}) =>
      app.inject({
        method,
        url: `/v3${url}`,
        headers: fabricHeaders(token, headers),
        ...(payload === undefined ? {} : { payload: payload as InjectOptions['payload'] }),
      }),
  };
}
