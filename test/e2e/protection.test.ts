import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startIngress, type RunningIngress } from '../../ingress/server.js';
import { postJson } from '../harness/http.js';
import { jobCounts, startStack, TEST_TOKEN, type Stack } from '../harness/stack.js';

/** Per-client rate limiting shared by ingress replicas through Redis, and load shedding: 429/503, never a crash. */
let stack: Stack;
let replica: RunningIngress;

beforeAll(async () => {
  stack = await startStack({ workers: false, env: { RATE_LIMIT_MAX: '5', RATE_LIMIT_WINDOW_MS: '60000' } });
  replica = await startIngress(stack.config, pino({ level: 'silent' }));
});
afterAll(async () => {
  await replica?.close();
  await stack?.close();
});

function cancelAs(baseUrl: string, clientId: string) {
  return postJson(baseUrl, '/order_cancel', { headers: { client_id: clientId }, data: { channel: { id: 21 }, order: { channel_refnum: '496' } } }, { bearer: TEST_TOKEN });
}

describe('rate limiting', () => {
  it('counts per client across ingress replicas and answers 429 with Retry-After', async () => {
    for (let index = 0; index < 3; index += 1) expect((await cancelAs(stack.ingressUrl, '497')).status).toBe(200);
    for (let index = 0; index < 2; index += 1) expect((await cancelAs(replica.url, '497')).status).toBe(200);
    const limited = await cancelAs(replica.url, '497');
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(await limited.json()).toMatchObject({ code: 'ROB_RATE_LIMITED', error: expect.stringContaining('at most 5 requests') });
    expect((await cancelAs(stack.ingressUrl, '497')).status).toBe(429);
    expect((await cancelAs(stack.ingressUrl, '498')).status).toBe(200); // another client has its own budget
    expect((await fetch(`${stack.ingressUrl}/healthz`)).status).toBe(200);
    // 497's cancels are one job (deduplicated), 498's another; nothing for the refused calls.
    expect((await jobCounts(stack)).cancel).toBe(2);
  });
});

describe('load shedding', () => {
  it('answers 503 with Retry-After while the event loop lags, and recovers', async () => {
    const shedding = await startStack({ workers: false, env: { RATE_LIMIT_MAX: '0', MAX_EVENT_LOOP_DELAY_MS: '50' } });
    try {
      const until = Date.now() + 1500;
      while (Date.now() < until) {
        // Block this process's event loop, as a CPU-bound request or a GC storm would.
      }
      const shed = await cancelAs(shedding.ingressUrl, '497');
      expect(shed.status).toBe(503);
      expect(shed.headers.get('retry-after')).toBe('10');
      expect(await shed.json()).toMatchObject({ code: 'ROB_OVERLOADED' });
      await new Promise((resolve) => setTimeout(resolve, 1500));
      expect((await cancelAs(shedding.ingressUrl, '497')).status).toBe(200);
    } finally {
      await shedding.close();
    }
  });

  // Many large bodies in flight fill the heap before they lag the event loop: memory is a shedding signal too.
  it('answers 503 with Retry-After while the heap is over MAX_HEAP_USED_MB, enqueuing nothing', async () => {
    // 1 MB: this process's heap is always above it, so every webhook is shed.
    const shedding = await startStack({ workers: false, env: { RATE_LIMIT_MAX: '0', MAX_EVENT_LOOP_DELAY_MS: '0', MAX_HEAP_USED_MB: '1' } });
    try {
      // under-pressure samples memory on a timer: give it one sample.
      await new Promise((resolve) => setTimeout(resolve, 1200));
      const shed = await cancelAs(shedding.ingressUrl, '497');
      expect(shed.status).toBe(503);
      expect(shed.headers.get('retry-after')).toBe('10');
      expect(await shed.json()).toMatchObject({ code: 'ROB_OVERLOADED', error: expect.stringContaining('heapUsedBytes') });
      expect(await jobCounts(shedding)).toEqual({ order: 0, cancel: 0, update: 0, return: 0, inventory: 0 });
      // Liveness is not shed (an orchestrator would restart a process that is only busy); readiness is.
      expect((await fetch(`${shedding.ingressUrl}/healthz`)).status).toBe(200);
      expect((await fetch(`${shedding.ingressUrl}/readyz`)).status).toBe(503);
    } finally {
      await shedding.close();
    }
  });
});
