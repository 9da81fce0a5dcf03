import { createServer, request as httpRequest, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { postJson } from '../harness/http.js';
import { eventually, SEED_EXAMPLE_TICKET, settled, startStack, TEST_TOKEN, type Stack } from '../harness/stack.js';

/**
 * One JSON line per request and per job outcome, correlated by request id and job id; each outcome line counts the
 * requests the job sent to fabric; a rejection the channel was expected to give is a warning with its code, and
 * reads the same way on the Bull Board.
 */
const ADMIN_TOKEN = 'admin-token-0123456789';
const lines: string[] = [];
let stack: Stack;
let fabric: CountingProxy;

/** A request that passed through the proxy to fabric's API, by the x-fabric-request-id the client sent. */
interface SeenRequest {
  readonly requestId: string;
  readonly method: string;
  readonly path: string;
}

interface CountingProxy {
  readonly url: string;
  readonly seen: SeenRequest[];
  /** Where to forward: known only once the stack (and its sandbox) runs; requests wait for it. */
  forwardTo(url: string): void;
  close(): Promise<void>;
}

/**
 * A plain HTTP hop between the workers and the sandbox's /v3 API that writes down every request: what fabric
 * received, counted outside the code under test. The token endpoint stays direct (FABRIC_AUTH_URL), as token
 * requests are not part of a job's count.
 */
async function countingProxy(): Promise<CountingProxy> {
  const seen: SeenRequest[] = [];
  let forwardTo: (url: string) => void = () => undefined;
  const target = new Promise<string>((resolve) => (forwardTo = resolve));
  const server = createServer((incoming: IncomingMessage, answer: ServerResponse) => {
    const requestId = incoming.headers['x-fabric-request-id'];
    seen.push({ requestId: typeof requestId === 'string' ? requestId : '', method: incoming.method ?? '', path: (incoming.url ?? '').split('?')[0] ?? '' });
    void target.then((base) => {
      const url = new URL(incoming.url ?? '/', base);
      const upstream = httpRequest(url, { method: incoming.method, headers: { ...incoming.headers, host: url.host } }, (response) => {
        answer.writeHead(response.statusCode ?? 502, response.headers);
        response.pipe(answer);
      });
      upstream.on('error', () => answer.destroy());
      incoming.pipe(upstream);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    seen,
    forwardTo,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

type Line = Record<string, unknown>;
const entries = (): Line[] => lines.map((line) => JSON.parse(line) as Line);
const outcomeLines = (): Line[] => entries().filter((entry) => entry['msg'] === 'job done' || entry['msg'] === 'job failed for good');
const requestIdOf = (line: Line): string => `${String(line['jobId'])}.${String(line['attempt'])}`;

function cancel(refnum: number, requestId: string): Promise<Response> {
  return postJson(stack.ingressUrl, '/order_cancel', { data: { channel: { id: 21 }, order: { channel_refnum: refnum } } }, {
    bearer: TEST_TOKEN,
    headers: { 'x-request-id': requestId },
  });
}

function jobLine(requestId: string): Line {
  const found = entries().filter((entry) => entry['requestId'] === requestId && (entry['msg'] === 'job done' || entry['msg'] === 'job failed for good'));
  expect(found).toHaveLength(1);
  return found[0] as Line;
}

beforeAll(async () => {
  fabric = await countingProxy();
  // Only the first scheduled sync and those a fetch asks for: a sync at a random moment would take an injected fault.
  stack = await startStack({ logLines: lines, env: { ADMIN_TOKEN, FABRIC_BASE_URL: `${fabric.url}/v3`, ORDER_SYNC_INTERVAL_MS: '3600000' } });
  fabric.forwardTo(stack.sandboxUrl);
});
afterAll(async () => {
  await stack?.close();
  await fabric?.close();
});
beforeEach(async () => {
  await stack.reset();
  await stack.sandbox.clearFaults();
  // Job ids are derived from the payload, so the same cancel in two tests is the same job id (and request id).
  lines.length = 0;
  fabric.seen.length = 0;
});

describe('logs', () => {
  it('a webhook gives one request line and its job one outcome line, tied by the request id', async () => {
    const response = await cancel(496, 'req-abc-123');
    expect(response.headers.get('x-request-id')).toBe('req-abc-123');
    await settled(stack);
    const requestLines = entries().filter((entry) => entry['reqId'] === 'req-abc-123');
    expect(requestLines).toHaveLength(1);
    expect(requestLines[0]).toMatchObject({ msg: 'request completed', res: { statusCode: 200 }, req: { method: 'POST', url: '/order_cancel' } });
    const jobLines = entries().filter((entry) => entry['requestId'] === 'req-abc-123');
    expect(jobLines).toEqual([expect.objectContaining({ msg: 'job done', queue: 'cancel', kind: 'cancel', jobId: expect.stringMatching(/^cancel-/) })]);
  });

  it('fabricCalls is every request the job sent to fabric: reads, searches and changes', async () => {
    await cancel(496, 'req-count-cancel');
    await cancel(999, 'req-count-missing');
    const query = new URLSearchParams({ 'headers[client_id]': '497', 'headers[ticket]': SEED_EXAMPLE_TICKET, 'data[channel][id]': '21' });
    expect((await fetch(`${stack.ingressUrl}/orders?${query.toString()}`)).status).toBe(200);
    await eventually('an order sync after the fetch', async () => (outcomeLines().some((line) => line['kind'] === 'order.sync') ? true : undefined));
    await settled(stack);

    // The cancel read the order, then cancelled it; the unknown order was read only; the sync searched.
    const cancelled = jobLine('req-count-cancel');
    expect(cancelled).toMatchObject({ outcome: 'cancelled open lines, 1 line(s) left', fabricCalls: 2 });
    expect(fabric.seen.filter((seen) => seen.requestId === requestIdOf(cancelled)).map((seen) => `${seen.method} ${seen.path}`)).toEqual([
      'GET /v3/orders/order-number/496',
      'POST /v3/orders/order-number/496/actions/cancel',
    ]);
    expect(jobLine('req-count-missing')).toMatchObject({ fabricCalls: 1 });
    const syncs = outcomeLines().filter((line) => line['kind'] === 'order.sync');
    for (const sync of syncs) expect(sync['fabricCalls']).toBeGreaterThanOrEqual(1);

    // Every outcome line of the run against what fabric received for that job and attempt, and the changes among
    // them against the sandbox's ledger of changes.
    const ledger = await stack.sandbox.calls();
    for (const line of outcomeLines()) {
      const requestId = requestIdOf(line);
      const received = fabric.seen.filter((seen) => seen.requestId === requestId);
      expect(line['fabricCalls'], `${String(line['msg'])} ${requestId}`).toBe(received.length);
      const changes = received.filter((seen) => seen.method === 'POST' && !seen.path.endsWith('/orders/search'));
      expect(ledger.filter((entry) => entry.requestId === requestId).map((entry) => entry.path)).toEqual(changes.map((seen) => seen.path));
    }
    expect(ledger.filter((entry) => entry.requestId === requestIdOf(cancelled))).toHaveLength(1);
  });

  it('an expected rejection is a warning with its code and no stack; an unexpected failure an error with one', async () => {
    await cancel(999, 'req-not-found');
    await settled(stack);
    const rejected = jobLine('req-not-found');
    expect(rejected).toMatchObject({ level: 40, msg: 'job failed for good', code: 'ORDER_NOT_FOUND', permanent: true, reason: 'Order 999 does not exist in fabric' });
    expect(rejected).not.toHaveProperty('err');
    expect(JSON.stringify(rejected)).not.toMatch(/\bat .*\.ts:\d+/);

    // fabric refusing the bridge's own request (a 400) is not a business answer: it needs a developer.
    await stack.sandbox.setFaults({ failNext: 1, status: 400 });
    await cancel(497, 'req-bad-request');
    await settled(stack);
    const failed = jobLine('req-bad-request');
    expect(failed).toMatchObject({ level: 50, msg: 'job failed for good', permanent: true, code: expect.any(String), err: { type: 'FabricError', stack: expect.stringContaining('    at ') } });
  });
});

describe('the Bull Board', () => {
  interface BoardJob {
    readonly name: string;
    readonly failedReason: string;
    readonly stacktrace: string[];
  }

  async function failedCancels(): Promise<BoardJob[]> {
    const response = await fetch(`${stack.ingressUrl}/admin/queues/api/queues?activeQueue=cancel&status=failed`, { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } });
    expect(response.status).toBe(200);
    const body = (await response.json()) as { queues: { name: string; jobs: BoardJob[] }[] };
    return body.queues.find((queue) => queue.name === 'cancel')?.jobs ?? [];
  }

  it('shows an expected failure as its code and message, without a stack trace', async () => {
    await cancel(999, 'req-board-999');
    await settled(stack);
    const [job] = (await failedCancels()).filter((candidate) => candidate.name.startsWith('cancel order 999'));
    expect(job?.failedReason).toBe('ORDER_NOT_FOUND: Order 999 does not exist in fabric');
    expect(job?.stacktrace).toEqual(['ORDER_NOT_FOUND: Order 999 does not exist in fabric']);
  });

  it('shows an unexpected failure with its code first and keeps where it happened', async () => {
    await stack.sandbox.setFaults({ failNext: 1, status: 400 });
    await cancel(498, 'req-board-498');
    await settled(stack);
    const [job] = (await failedCancels()).filter((candidate) => candidate.name.startsWith('cancel order 498'));
    const code = String(jobLine('req-board-498')['code']);
    expect(job?.failedReason.startsWith(`${code}: `)).toBe(true);
    expect(job?.stacktrace[0]).toMatch(new RegExp(`^${code}: [^\\n]+\\n\\s+at `));
  });
});
