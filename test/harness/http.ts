import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { TEST_TOKEN } from './stack.js';

export interface SeedFixture {
  readonly name: string;
  readonly seed: string;
  readonly method: 'GET' | 'POST';
  readonly path: string;
  /** GET: the query string exactly as the seed's `curl -G -d …` sends it. */
  readonly query?: string;
  /** POST: the body exactly as the seed's `curl -d '…'` sends it. */
  readonly body?: string;
  readonly contentType?: string;
}

const FIXTURES = join(import.meta.dirname, '..', 'fixtures', 'seed');

export function seedFixtures(): SeedFixture[] {
  return readdirSync(FIXTURES)
    .filter((file) => file.endsWith('.json'))
    .sort()
    .map((file) => ({ name: file.replace(/\.json$/, ''), ...(JSON.parse(readFileSync(join(FIXTURES, file), 'utf8')) as Omit<SeedFixture, 'name'>) }));
}

export function seedFixture(name: string): SeedFixture {
  const fixture = seedFixtures().find((candidate) => candidate.name === name);
  if (!fixture) throw new Error(`no seed fixture ${name}`);
  return fixture;
}

export interface SendOptions {
  readonly bearer?: string;
  readonly headers?: Record<string, string>;
}

/** Sends a fixture as the seed's curl would, over real HTTP; `bearer` adds credentials where the seed has none. */
export async function sendFixture(baseUrl: string, fixture: SeedFixture, options: SendOptions = {}): Promise<Response> {
  const headers: Record<string, string> = { ...options.headers };
  if (options.bearer) headers['authorization'] = `Bearer ${options.bearer}`;
  if (fixture.method === 'GET') return fetch(`${baseUrl}${fixture.path}?${fixture.query ?? ''}`, { headers });
  headers['content-type'] ??= fixture.contentType ?? 'application/json';
  return fetch(`${baseUrl}${fixture.path}`, { method: 'POST', headers, body: fixture.body ?? '' });
}

export async function postJson(baseUrl: string, path: string, body: unknown, options: SendOptions = {}): Promise<Response> {
  const headers: Record<string, string> = { 'content-type': 'application/json', ...options.headers };
  if (options.bearer) headers['authorization'] = `Bearer ${options.bearer}`;
  return fetch(`${baseUrl}${path}`, { method: 'POST', headers, body: typeof body === 'string' ? body : JSON.stringify(body) });
}

/** A seed POST fixture's body as an object, to vary in a test. */
export function fixtureBody(fixture: SeedFixture): Record<string, unknown> {
  return JSON.parse(fixture.body ?? '{}') as Record<string, unknown>;
}

/** An SDK v1 request as RetailOPS sends it (client 497, channel 21, the test token in the body), with `fields` added. */
export function v1Request(action: string, fields: Record<string, unknown> = {}): Record<string, unknown> {
  return { action, version: 1, client_id: 497, channel_info: { id: 21 }, integration_auth_token: TEST_TOKEN, ...fields };
}
