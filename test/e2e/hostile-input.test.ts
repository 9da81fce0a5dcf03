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
    expect(await jobCounts(stack)).toEqual({ order: 0, cancel: 0, update: 0, return: 0 });
    expect((Object.prototype as Record<string, unknown>)['polluted']).toBeUndefined();
    expect((await fetch(`${stack.ingressUrl}/healthz`)).status).toBe(200);
    expect((await fetch(`${stack.ingressUrl}/readyz`)).status).toBe(200);
  });
});
