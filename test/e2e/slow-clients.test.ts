import { connect, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixtureBody, postJson, seedFixture } from '../harness/http.js';
import { jobCounts, startStack, TEST_TOKEN, type Stack } from '../harness/stack.js';

/**
 * Issue 9: connections that announce a large body and trickle it, or never finish their headers, were held open for
 * as long as the client liked. Each kind is now closed once its timeout passes, while normal calls keep being served.
 */
const HEADERS_TIMEOUT_MS = 1000;
const REQUEST_TIMEOUT_MS = 2000;
/** Timeouts are checked once a second; the rest is slack for a loaded 2-core machine, not a speed target. */
const CLOSE_BOUND_MS = REQUEST_TIMEOUT_MS + 1000 + 7000;

let stack: Stack;
let port: number;

beforeAll(async () => {
  stack = await startStack({
    workers: false,
    env: {
      HEADERS_TIMEOUT_MS: String(HEADERS_TIMEOUT_MS),
      REQUEST_TIMEOUT_MS: String(REQUEST_TIMEOUT_MS),
      KEEP_ALIVE_TIMEOUT_MS: '2000',
      RATE_LIMIT_MAX: '0',
    },
  });
  port = Number(new URL(stack.ingressUrl).port);
});
afterAll(async () => stack?.close());

interface HeldConnection {
  readonly socket: Socket;
  /** Everything the server wrote back. */
  received: string;
  /** Milliseconds from opening to the server closing it; null while open. */
  closedAfterMs: number | null;
  stop(): void;
}

/** A raw connection that writes `head` at once, then `drip` every `everyMs` until the server closes it. */
function hold(head: string, drip: string, everyMs: number): HeldConnection {
  const openedAt = Date.now();
  const socket = connect(port, '127.0.0.1');
  const held: HeldConnection = { socket, received: '', closedAfterMs: null, stop: () => clearInterval(timer) };
  socket.on('data', (chunk) => (held.received += chunk.toString()));
  socket.on('error', () => undefined);
  socket.on('close', () => {
    held.closedAfterMs = Date.now() - openedAt;
    clearInterval(timer);
  });
  socket.write(head);
  const timer = setInterval(() => {
    if (!socket.destroyed && drip !== '') socket.write(drip);
  }, everyMs);
  return held;
}

const bigBodyHead = (authorization: string) =>
  `POST /order_cancel HTTP/1.1\r\nHost: 127.0.0.1\r\n${authorization}Content-Type: application/json\r\nContent-Length: 1000000\r\n\r\n{"data":`;

async function allClosed(connections: HeldConnection[], boundMs: number): Promise<void> {
  const deadline = Date.now() + boundMs;
  while (connections.some((held) => held.closedAfterMs === null) && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

describe('slow clients', () => {
  it('closes trickling bodies, unfinished headers and silent connections in bounded time, serving normal calls meanwhile', async () => {
    const trickling = Array.from({ length: 150 }, () => hold(bigBodyHead(`Authorization: Bearer ${TEST_TOKEN}\r\n`), ' ', 200));
    const slowHeaders = Array.from({ length: 50 }, (_, index) => hold('POST /order_cancel HTTP/1.1\r\n', `X-Slow-${index}: 1\r\n`, 300));
    const silent = Array.from({ length: 50 }, () => hold('', '', 1000));
    const held = [...trickling, ...slowHeaders, ...silent];
    try {
      // Normal calls are answered while the held connections wait for their deadline.
      const body = fixtureBody(seedFixture('001-order-cancel'));
      const statuses: number[] = [];
      for (let call = 0; call < 10; call += 1) {
        statuses.push((await postJson(stack.ingressUrl, '/order_cancel', { ...body, data: { ...body['data'] as object, order: { channel_refnum: 9000 + call } } }, { bearer: TEST_TOKEN })).status);
      }
      expect(statuses).toEqual(Array.from({ length: 10 }, () => 200));
      expect(held.filter((connection) => connection.closedAfterMs === null).length).toBeGreaterThan(0);

      await allClosed(held, CLOSE_BOUND_MS);
      expect(held.filter((connection) => connection.closedAfterMs === null)).toHaveLength(0);
      // The server ended them, not the clients: the trickling ones with Node's 408.
      expect(trickling.every((connection) => connection.received.startsWith('HTTP/1.1 408'))).toBe(true);
      expect(Math.max(...held.map((connection) => connection.closedAfterMs ?? Infinity))).toBeLessThan(CLOSE_BOUND_MS);
      // Only the ten normal calls were enqueued.
      expect((await jobCounts(stack)).cancel).toBe(10);
      expect((await fetch(`${stack.ingressUrl}/healthz`)).status).toBe(200);
    } finally {
      for (const connection of held) {
        connection.stop();
        connection.socket.destroy();
      }
    }
  });

  it('refuses a wrong Bearer token before reading the body, and closes the connection', async () => {
    const connection = hold(bigBodyHead('Authorization: Bearer not-the-token-0123456789\r\n'), '', 1000);
    try {
      await allClosed([connection], CLOSE_BOUND_MS);
      expect(connection.received).toMatch(/^HTTP\/1\.1 401 /);
      expect(connection.received.toLowerCase()).toContain('connection: close');
      expect(connection.received).toContain('"code":"ROB_UNAUTHORIZED"');
      // A 401, not the 408 the request timeout gives: it was answered without waiting for the megabyte.
      expect(connection.closedAfterMs).not.toBeNull();
    } finally {
      connection.stop();
      connection.socket.destroy();
    }
  });
});
