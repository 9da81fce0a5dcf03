import type { AddressInfo } from 'node:net';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InboxStore } from '../../shared/inbox/store.js';
import { startHealthServer } from '../../workers/health-server.js';
import { startWorkers, type RunningWorkers } from '../../workers/start-workers.js';
import { postJson } from '../harness/http.js';
import { eventually, SEED_EXAMPLE_TICKET, settled, startStack, TEST_TOKEN, type Stack } from '../harness/stack.js';

/** /metrics, /healthz, /readyz on the ingress and on a worker process's own port, and the Bull Board behind its token. */
const ADMIN_TOKEN = 'admin-token-0123456789';
const lines: string[] = [];
let stack: Stack;
let worker: RunningWorkers;
let workerUrl: string;
let close: () => void;

beforeAll(async () => {
  stack = await startStack({ env: { ADMIN_TOKEN, JOB_ATTEMPTS: '1' }, logLines: lines });
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

function cancel(refnum: string, headers: Record<string, string> = {}) {
  return postJson(stack.ingressUrl, '/order_cancel', { data: { channel: { id: 21 }, order: { channel_refnum: refnum } } }, { bearer: TEST_TOKEN, headers });
}

/** The sum of a metric's samples whose labels include `labels`, over several scrapes (ingress and worker); 0 if none. */
function metricValue(texts: readonly string[], name: string, labels: Record<string, string> = {}): number {
  let total = 0;
  for (const line of texts.join('\n').split('\n')) {
    const match = /^([a-zA-Z_:][\w:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!match || match[1] !== name) continue;
    const found = Object.fromEntries([...(match[2] ?? '').matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)].map(([, key, value]) => [key, value]));
    if (Object.entries(labels).every(([key, value]) => found[key] === value)) total += Number(match[3]);
  }
  return total;
}

async function scrapes(): Promise<string[]> {
  return [await metricsText(stack.ingressUrl), await metricsText(workerUrl)];
}

function logEntries(): Record<string, unknown>[] {
  return lines.map((line) => JSON.parse(line) as Record<string, unknown>);
}

async function metricsText(url: string): Promise<string> {
  const response = await fetch(`${url}/metrics`);
  expect(response.status).toBe(200);
  expect(response.headers.get('content-type')).toContain('text/plain');
  return response.text();
}

describe('metrics', () => {
  it('the ingress exposes requests, queue states, backlog age and pending events', async () => {
    // Held while both are answered, so that neither response carries the other's event: both stay pending.
    await stack.queues.cancel.pause();
    await cancel('496'); // partial (a shipped line stays): a warning event
    await cancel('999'); // fails for good: an error event
    await stack.queues.cancel.resume();
    await settled(stack);
    const text = await metricsText(stack.ingressUrl);
    expect(text).toMatch(/rob_http_requests_total\{route="\/order_cancel",method="POST",status="200"\} [1-9]/);
    expect(text).toMatch(/rob_http_request_duration_seconds_bucket\{le="[^"]+",route="\/order_cancel",method="POST"\}/);
    expect(text).toMatch(/rob_jobs\{queue="cancel",state="completed"\} [1-9]/);
    expect(text).toMatch(/rob_jobs\{queue="cancel",state="failed"\} 1/);
    expect(text).toMatch(/rob_queue_oldest_waiting_job_age_seconds\{queue="cancel"\} 0/);
    // The order sync's next run waits in delayed: it is not late before its time.
    expect(await stack.queues.order.getDelayedCount()).toBeGreaterThan(0);
    expect(text).toMatch(/rob_queue_oldest_waiting_job_age_seconds\{queue="order"\} 0/);
    // 496's partial cancel (a warning: its shipped line stays) and 999's failure.
    expect(text).toMatch(/rob_events_pending\{client="default",channel="21"\} 2/);
    expect(text).toMatch(/rob_process_resident_memory_bytes/);
  });

  it('jobs, fabric calls, events and the circuit show on the process that ran them', async () => {
    const combined = `${await metricsText(stack.ingressUrl)}\n${await metricsText(workerUrl)}`;
    expect(combined).toMatch(/rob_job_duration_seconds_count\{queue="cancel",outcome="completed"\} [1-9]/);
    expect(combined).toMatch(/rob_fabric_requests_total\{tenant="sandbox-tenant",endpoint="get-order",status="200"\} [1-9]/);
    expect(combined).toMatch(/rob_fabric_request_duration_seconds_count\{tenant="sandbox-tenant",endpoint="cancel"\} [1-9]/);
    expect(combined).toMatch(/rob_events_recorded_total\{client="default",channel="21",severity="error"\} 1/);
    // The tenant label is FABRIC_TENANT_ID as configured: readable, and no URL (which could carry credentials).
    expect(stack.config.channels[0]?.fabric.tenantId).toBe('sandbox-tenant');
    expect(combined).toMatch(/rob_fabric_circuit_state\{tenant="sandbox-tenant"\} 0/);
    expect(combined).not.toMatch(/tenant="[^"]*(\/|http)/);
    expect(await metricsText(workerUrl)).toMatch(/rob_jobs\{queue="order",state="waiting"\}/);
  });

  it('counts delivered events once a response carried them', async () => {
    await cancel('497');
    expect(await metricsText(stack.ingressUrl)).toMatch(/rob_events_delivered_total\{client="default",channel="21"\} 2/);
  });
});

describe('what on-call asks for', () => {
  it('a redelivered webhook is answered 200 without a new job, logged with the job id and counted', async () => {
    const before = metricValue(await scrapes(), 'rob_webhooks_deduplicated_total', { queue: 'cancel' });
    expect((await cancel('498', { 'x-request-id': 'first-delivery' })).status).toBe(200);
    expect((await cancel('498', { 'x-request-id': 'second-delivery' })).status).toBe(200);
    await settled(stack);

    const jobs = (await stack.queues.cancel.getJobs(['completed', 'failed'])).filter(
      (job) => (job.data as { payload: { refnum: string } }).payload.refnum === '498',
    );
    expect(jobs).toHaveLength(1);
    expect(metricValue(await scrapes(), 'rob_webhooks_deduplicated_total', { queue: 'cancel' })).toBe(before + 1);
    const logged = logEntries().filter((entry) => entry['deduplicated'] === true);
    expect(logged).toEqual([
      expect.objectContaining({ level: 30, reqId: 'second-delivery', jobId: jobs[0]?.id, queue: 'cancel', deduplicated: true, msg: 'webhook deduplicated: its job already exists' }),
    ]);
  });

  it('a job that fails for good is counted by queue and failure code', async () => {
    const labels = { queue: 'cancel', code: 'ORDER_NOT_FOUND' };
    const before = metricValue(await scrapes(), 'rob_job_failures_total', labels);
    await cancel('no-such-order'); // the sandbox has no such order: ORDER_NOT_FOUND, not retried
    await settled(stack);
    expect(metricValue(await scrapes(), 'rob_job_failures_total', labels)).toBe(before + 1);
  });

  it('the inbox size, its oldest unacknowledged order and the last order sync, per binding', async () => {
    const credentials = { 'headers[client_id]': '497', 'headers[ticket]': SEED_EXAMPLE_TICKET, 'data[channel][id]': '21' };
    const get = (path: string, extra: Record<string, string> = {}) => fetch(`${stack.ingressUrl}${path}?${new URLSearchParams({ ...credentials, ...extra }).toString()}`);
    const askedAt = Date.now();
    expect((await get('/orders')).status).toBe(200); // asks for a sync
    const syncedAt = await eventually('an order sync completed after the fetch', async () => {
      const value = metricValue([await metricsText(stack.ingressUrl)], 'rob_order_sync_last_success_timestamp_seconds', { binding: 'default' });
      return value * 1000 >= askedAt ? value : undefined;
    });
    expect(syncedAt * 1000).toBeLessThanOrEqual(Date.now());

    const inbox = new InboxStore(stack.redis, stack.config.queuePrefix);
    const oldest = await inbox.oldestPending('default');
    if (!oldest) throw new Error('the sandbox demo orders should be in the inbox');
    const pending = await inbox.pendingCount('default');
    expect(pending).toBeGreaterThan(0);
    let text = [await metricsText(stack.ingressUrl)];
    expect(metricValue(text, 'rob_inbox_pending_orders', { binding: 'default' })).toBe(pending);
    const expectedAge = (Date.now() - Date.parse(oldest.createdAt)) / 1000;
    const age = metricValue(text, 'rob_inbox_oldest_pending_order_age_seconds', { binding: 'default' });
    expect(age).toBeGreaterThan(expectedAge - 60);
    expect(age).toBeLessThanOrEqual(expectedAge);

    // RetailOPS acknowledges the oldest: one fewer pending, and the next one is the oldest.
    const ack = new URLSearchParams(credentials);
    ack.append('data[order][acks][]', oldest.refnum);
    expect((await fetch(`${stack.ingressUrl}/orders/order_ack?${ack.toString()}`)).status).toBe(200);
    text = [await metricsText(stack.ingressUrl)];
    expect(metricValue(text, 'rob_inbox_pending_orders', { binding: 'default' })).toBe(pending - 1);
    const next = await inbox.oldestPending('default');
    const nextAge = metricValue(text, 'rob_inbox_oldest_pending_order_age_seconds', { binding: 'default' });
    if (next) expect(nextAge).toBeLessThanOrEqual((Date.now() - Date.parse(next.createdAt)) / 1000);
    else expect(nextAge).toBe(0);
    await settled(stack);
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
    expect(body.queues.map((queue) => queue.name).sort()).toEqual(['cancel', 'inventory', 'order', 'return', 'update']);
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
