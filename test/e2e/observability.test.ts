import type { AddressInfo } from 'node:net';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHealthServer } from '../../workers/health-server.js';
import { startWorkers, type RunningWorkers } from '../../workers/server.js';
import { postJson } from '../harness/http.js';
import { settled, startStack, TEST_TOKEN, type Stack } from '../harness/stack.js';

/** /metrics, /healthz, /readyz on the ingress and on a worker process's own port, and the Bull Board behind its token. */
const ADMIN_TOKEN = 'admin-token-0123456789';
let stack: Stack;
let worker: RunningWorkers;
let workerUrl: string;
let close: () => void;

beforeAll(async () => {
  stack = await startStack({ env: { ADMIN_TOKEN, JOB_ATTEMPTS: '1' } });
  // A second worker set with its own health server, as `npm run worker` with METRICS_PORT.
  worker = await startWorkers(stack.config, pino({ level: 'silent' }));
  const server = await startHealthServer(worker, '127.0.0.1', 0, pino({ level: 'silent' }));
  workerUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  close = () => server.close();
});
afterAll(async () => {
  close?.();
  await worker?.close();
  await stack?.close();
});

function cancel(refnum: string) {
  return postJson(stack.ingressUrl, '/order_cancel', { data: { channel: { id: 21 }, order: { channel_refnum: refnum } } }, { bearer: TEST_TOKEN });
}

async function metricsText(url: string): Promise<string> {
  const response = await fetch(`${url}/metrics`);
  expect(response.status).toBe(200);
  expect(response.headers.get('content-type')).toContain('text/plain');
  return response.text();
}

describe('metrics', () => {
  it('the ingress exposes requests, queue states, backlog age and pending events', async () => {
    await cancel('496');
    await cancel('999'); // fails for good: a pending event
    await settled(stack);
    const text = await metricsText(stack.ingressUrl);
    expect(text).toMatch(/rob_http_requests_total\{route="\/order_cancel",method="POST",status="200"\} [1-9]/);
    expect(text).toMatch(/rob_http_request_duration_seconds_bucket\{le="[^"]+",route="\/order_cancel",method="POST"\}/);
    expect(text).toMatch(/rob_jobs\{queue="cancel",state="completed"\} [1-9]/);
    expect(text).toMatch(/rob_jobs\{queue="cancel",state="failed"\} 1/);
    expect(text).toMatch(/rob_queue_oldest_waiting_job_age_seconds\{queue="cancel"\} 0/);
    expect(text).toMatch(/rob_events_pending\{client="default",channel="21"\} 1/);
    expect(text).toMatch(/rob_process_resident_memory_bytes/);
  });

  it('jobs, fabric calls, events and the circuit show on the process that ran them', async () => {
    const combined = `${await metricsText(stack.ingressUrl)}\n${await metricsText(workerUrl)}`;
    expect(combined).toMatch(/rob_job_duration_seconds_count\{queue="cancel",outcome="completed"\} [1-9]/);
    expect(combined).toMatch(/rob_fabric_requests_total\{endpoint="get-order",status="200"\} [1-9]/);
    expect(combined).toMatch(/rob_fabric_request_duration_seconds_count\{endpoint="cancel"\} [1-9]/);
    expect(combined).toMatch(/rob_events_recorded_total\{client="default",channel="21",severity="error"\} 1/);
    expect(combined).toMatch(/rob_fabric_circuit_state\{tenant="[^"]+"\} 0/);
    expect(await metricsText(workerUrl)).toMatch(/rob_jobs\{queue="order",state="waiting"\}/);
  });

  it('counts delivered events once a response carried them', async () => {
    await cancel('497');
    expect(await metricsText(stack.ingressUrl)).toMatch(/rob_events_delivered_total\{client="default",channel="21"\} 1/);
  });
});

describe('health', () => {
  it('ingress and worker answer /healthz and /readyz', async () => {
    for (const url of [stack.ingressUrl, workerUrl]) {
      expect((await fetch(`${url}/healthz`)).status).toBe(200);
      const ready = await fetch(`${url}/readyz`);
      expect(ready.status).toBe(200);
      expect(await ready.json()).toMatchObject({ status: 'ready', redis: 'ready' });
    }
  });
});

describe('the Bull Board', () => {
  it('answers its page and API with the admin token, 401 without or with a wrong one', async () => {
    expect((await fetch(`${stack.ingressUrl}/admin/queues`)).status).toBe(401);
    expect((await fetch(`${stack.ingressUrl}/admin/queues/api/queues`, { headers: { authorization: 'Bearer wrong-admin-token' } })).status).toBe(401);
    const basic = `Basic ${Buffer.from(`ops:${ADMIN_TOKEN}`).toString('base64')}`;
    const page = await fetch(`${stack.ingressUrl}/admin/queues`, { headers: { authorization: basic } });
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('<html');
    const api = await fetch(`${stack.ingressUrl}/admin/queues/api/queues?activeQueue=cancel&status=completed`, { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } });
    expect(api.status).toBe(200);
    const body = (await api.json()) as { queues: { name: string; readOnlyMode: boolean; jobs: { name: string; data: unknown }[] }[] };
    expect(body.queues.map((queue) => queue.name).sort()).toEqual(['cancel', 'order', 'return', 'update']);
    const cancelQueue = body.queues.find((queue) => queue.name === 'cancel');
    expect(cancelQueue?.readOnlyMode).toBe(true);
    expect(cancelQueue?.jobs.map((job) => job.name)).toContain('cancel order 496 (client default, channel 21)');
  });

  it('does not exist without ADMIN_TOKEN', async () => {
    const other = await startStack({ workers: false });
    try {
      expect((await fetch(`${other.ingressUrl}/admin/queues`, { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } })).status).toBe(404);
    } finally {
      await other.close();
    }
  });
});
