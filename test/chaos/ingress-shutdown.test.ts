import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../../scripts/redis-server.js';
import { spawnService, waitForLine, workerEnv, type ServiceProcess } from '../harness/processes.js';
import { startStack, TEST_TOKEN, type Stack } from '../harness/stack.js';

/**
 * SIGTERM to an ingress process: it stops accepting connections, finishes the request it is reading (the job is
 * stored and answered 200), then exits 0.
 */
let stack: Stack;
let ingress: ServiceProcess | undefined;

beforeAll(async () => {
  stack = await startStack({ workers: false });
});
afterAll(async () => {
  ingress?.kill('SIGKILL');
  await stack?.close();
});

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('ingress shutdown on SIGTERM', () => {
  it('finishes a request in flight, refuses new connections, exits 0', async () => {
    const port = await freePort();
    ingress = spawnService('ingress/main.ts', workerEnv(stack, { PORT: String(port), HOST: '127.0.0.1', SHUTDOWN_TIMEOUT_MS: '10000' }));
    await waitForLine(ingress, 'ingress listening');

    let finish = (): void => undefined;
    const body = JSON.stringify({ data: { channel: { id: 21 }, order: { channel_refnum: '496' } } });
    const answered = new Promise<{ status: number; text: string }>((resolve, reject) => {
      const outgoing = request(
        { host: '127.0.0.1', port, method: 'POST', path: '/order_cancel', headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), authorization: `Bearer ${TEST_TOKEN}` } },
        (response) => {
          let text = '';
          response.on('data', (chunk: Buffer) => (text += chunk.toString()));
          response.on('end', () => resolve({ status: response.statusCode ?? 0, text }));
        },
      );
      outgoing.on('error', reject);
      // Half the body now; the rest once SIGTERM has reached the process and it has stopped listening.
      outgoing.write(body.slice(0, 20));
      finish = () => outgoing.end(body.slice(20));
    });
    await sleep(300);
    ingress.kill('SIGTERM');
    await waitForLine(ingress, 'shutting down');
    // Closing: new requests get 503 at most, and the port soon refuses connections altogether.
    const deadline = Date.now() + 10_000;
    for (let refused = false; !refused; ) {
      if (Date.now() > deadline) throw new Error('the ingress still accepts connections 10 s after SIGTERM');
      const answer = await fetch(`http://127.0.0.1:${port}/healthz`).catch(() => null);
      if (answer === null) refused = true;
      else expect(answer.status).toBe(503);
      await sleep(50);
    }
    finish();

    const response = await answered;
    expect(response.status).toBe(200);
    expect(JSON.parse(response.text)).toEqual({ events: [] });
    expect(await stack.queues.cancel.getWaitingCount()).toBe(1);
    expect(await ingress.exited).toBe(0);
  });
});
