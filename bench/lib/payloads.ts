import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type autocannon from 'autocannon';
import { ROOT } from './services.js';

interface SeedFixture {
  readonly method: 'GET' | 'POST';
  readonly path: string;
  readonly query?: string;
  readonly body?: string;
}

function fixture(name: string): SeedFixture {
  return JSON.parse(readFileSync(join(ROOT, 'test', 'fixtures', 'seed', `${name}.json`), 'utf8')) as SeedFixture;
}

/**
 * Seed 000's cancel (POST /orders/cancel, ~3 KB, credentials in `headers.ticket`) exactly as RetailOPS sends it,
 * with the order's `channel_refnum` and `id` varied per request so that every request is a distinct action (a
 * repeated body would be deduplicated into one job).
 */
export class SeedCancel {
  readonly path: string;
  readonly #before: string;
  readonly #between: string;
  readonly #after: string;

  constructor() {
    const seed = fixture('000-orders-cancel');
    if (seed.body === undefined) throw new Error('seed 000 cancel fixture has no body');
    const body = JSON.parse(seed.body) as { data: { order: Record<string, unknown> } };
    body.data.order['channel_refnum'] = '@REFNUM@';
    body.data.order['id'] = '@ID@';
    const [before, rest = ''] = JSON.stringify(body, null, 2).split('"@REFNUM@"');
    const [between, after] = rest.split('"@ID@"');
    if (before === undefined || between === undefined || after === undefined) throw new Error('cannot template the seed cancel');
    this.path = seed.path;
    this.#before = before;
    this.#between = between;
    this.#after = after;
  }

  body(refnum: number): string {
    return `${this.#before}"${refnum}"${this.#between}"${refnum + 4_000_000}"${this.#after}`;
  }

  /** An autocannon request posting one distinct cancel per request, refnums counting up from `first`. */
  request(first: number): autocannon.Request & { sent: () => number } {
    let next = first;
    return {
      method: 'POST',
      path: this.path,
      headers: { 'content-type': 'application/json' },
      setupRequest: (request) => ({ ...request, body: this.body(next++) }),
      sent: () => next - first,
    };
  }
}

/** Seed 000's order fetch query string (bracket notation, ticket in `headers[ticket]`) with a page state. */
export function seedFetchQuery(pageState: number, pageSize = 50): string {
  const seed = fixture('000-order-fetch');
  if (seed.query === undefined) throw new Error('seed 000 fetch fixture has no query');
  const params = seed.query
    .split('&')
    .filter((pair) => !pair.startsWith('data[max_page_size]=') && !pair.startsWith('data[page_state]=') && !pair.startsWith('data[single]='));
  params.push('data[single]=0', `data[max_page_size]=${pageSize}`, `data[page_state]=${pageState}`);
  return `${seed.path}?${params.join('&')}`;
}
