import { execFile } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { HostileCase } from '../fixtures/hostile/generate.js';
import { jobCounts, startStack, TEST_TOKEN, type Stack } from '../harness/stack.js';

/**
 * The hostile-input corpus (test/fixtures/hostile/cases, made by generate.ts): every bad request gets its 4xx with
 * a message saying what was wrong, nothing is enqueued, and the service stays up.
 */
const DIR = join(import.meta.dirname, '..', 'fixtures', 'hostile', 'cases');
const cases = readdirSync(DIR)
  .filter((file) => file.endsWith('.json'))
  .sort()
  .map((file) => JSON.parse(readFileSync(join(DIR, file), 'utf8')) as HostileCase);

let stack: Stack;

beforeAll(async () => {
  stack = await startStack({ workers: false, env: { RETAILOPS_CLIENT_ID: '497', RATE_LIMIT_MAX: '0' } });
});
afterAll(async () => stack?.close());

function fill(text: string): string {
  return text.replaceAll('{{TOKEN}}', encodeURIComponent(TEST_TOKEN));
}

async function send(entry: HostileCase): Promise<Response> {
  const headers: Record<string, string> = {};
  if (entry.bearer === 'valid') headers['authorization'] = `Bearer ${TEST_TOKEN}`;
  if (entry.bearer === 'wrong') headers['authorization'] = 'Bearer wrong-token-123';
  if (entry.contentType) headers['content-type'] = entry.contentType;
  let body: string | Buffer | undefined;
  if (entry.body !== null) body = entry.body.replaceAll('{{TOKEN}}', TEST_TOKEN);
  if (entry.bodyBase64 !== null) body = Buffer.from(entry.bodyBase64, 'base64');
  if (entry.bodyBytes !== null) body = JSON.stringify({ padding: 'x'.repeat(entry.bodyBytes) });
  const query = entry.query === null ? '' : `?${fill(entry.query)}`;
  return fetch(`${stack.ingressUrl}${entry.path}${query}`, { method: entry.method, headers, ...(body === undefined ? {} : { body }) });
}

describe('hostile input corpus', () => {
  it('has at least 200 cases', () => {
    expect(cases.length).toBeGreaterThanOrEqual(200);
  });

  it.each(cases.map((entry) => [entry.name, entry] as const))('%s', async (_name, entry) => {
    const response = await send(entry);
    expect(response.status).toBe(entry.expectStatus);
    const body = (await response.json()) as { error?: unknown; code?: unknown; issues?: unknown[] };
    expect(typeof body.error).toBe('string');
    expect(String(body.error).length).toBeGreaterThan(5);
    if (entry.expectCode) expect(body.code).toBe(entry.expectCode);
    if (entry.expectCode === 'ROB_VALIDATION') expect(body.issues?.length).toBeGreaterThan(0);
  });

  it('enqueued nothing, polluted no prototype, and the service is still up', async () => {
    expect(await jobCounts(stack)).toEqual({ order: 0, cancel: 0, update: 0, return: 0, inventory: 0 });
    expect((Object.prototype as Record<string, unknown>)['polluted']).toBeUndefined();
    expect((await fetch(`${stack.ingressUrl}/healthz`)).status).toBe(200);
    expect((await fetch(`${stack.ingressUrl}/readyz`)).status).toBe(200);
  });
});

/** Runs the ingress's entry point with `env` and resolves with its exit code and everything it wrote. */
async function startIngressWith(env: Record<string, string>): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ['--import', 'tsx', 'ingress/main.ts'],
      { cwd: join(import.meta.dirname, '..', '..'), env: { PATH: process.env['PATH'] ?? '', REDIS_URL: stack.env['REDIS_URL'] ?? '', PORT: '0', ...env }, timeout: 30_000 },
      (error, stdout, stderr) => resolve({ code: error ? (typeof error.code === 'number' ? error.code : null) : 0, output: `${stdout}${stderr}` }),
    );
  });
}

// Issue 9: a ticket pasted as a comma list made "0", "1" and "abcdef" valid tokens, each a key to customer orders.
describe('credentials that would let anyone in are refused at start', () => {
  it('a RetailOPS ticket pasted as a comma list', async () => {
    const { code, output } = await startIngressWith({ RETAILOPS_AUTH_TOKENS: '1,1,0,1456437061,abcdef' });
    expect(code).toBe(1);
    expect(output).toMatch(/RETAILOPS_AUTH_TOKENS: looks like a RetailOPS ticket/);
    expect(output).toContain('JSON array');
    expect(output).not.toContain('1456437061');
  });

  it('a token shorter than 16 characters, and the SDK test key against a real fabric', async () => {
    const short = await startIngressWith({ RETAILOPS_AUTH_TOKENS: 'abcdef' });
    expect(short.code).toBe(1);
    expect(short.output).toMatch(/RETAILOPS_AUTH_TOKENS: token 1 is shorter than 16 characters/);
    const realFabric = await startIngressWith({
      RETAILOPS_AUTH_TOKENS: 'RETAILOPS_SDK',
      FABRIC_BASE_URL: 'https://api.fabric.inc/v3',
      FABRIC_AUTH_URL: 'https://acme.login.fabric.inc/oauth2/default/v1/token',
      FABRIC_CLIENT_ID: 'id',
      FABRIC_CLIENT_SECRET: 'secret',
      FABRIC_TENANT_ID: 'tenant',
    });
    expect(realFabric.code).toBe(1);
    expect(realFabric.output).toMatch(/accepted only while the sandbox is the fabric/);
  });
});
