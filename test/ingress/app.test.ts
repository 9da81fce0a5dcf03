import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { buildIngressApp } from '../../ingress/app.js';
import { loadConfig, type Config } from '../../shared/config.js';
import { EventStore } from '../../shared/events/store.js';
import { InboxStore } from '../../shared/inbox/store.js';
import { JobQueues } from '../../shared/jobs/producer.js';
import { createMetrics } from '../../shared/metrics.js';
import { jobIdFor } from '../../shared/jobs/contract.js';
import { closeRedis, connectAtStartup, createRedis, type RedisClient } from '../../shared/redis.js';

/**
 * buildIngressApp driven through Fastify's inject(): the app as ingress/server.ts wires it (real Redis, queues,
 * stores), without a listening socket, so a route's answer and what it left in Redis are checked in one process.
 * The harness stack (test/harness/stack.ts) is not used: it starts workers and a sandbox this does not need.
 */
const TOKEN = 'app-inject-token-0123456789';

let config: Config;
let redis: RedisClient;
let queues: JobQueues;
let app: FastifyInstance;

/** Seed 001's cancel of order 496 (channel 21), as RetailOPS sends it. */
const cancelBody = JSON.parse(
  (JSON.parse(readFileSync(join(import.meta.dirname, '..', 'fixtures', 'seed', '001-order-cancel.json'), 'utf8')) as { body: string }).body,
) as Record<string, unknown>;

beforeAll(async () => {
  const redisUrl = inject('redisUrl');
  config = loadConfig({
    REDIS_URL: redisUrl,
    QUEUE_PREFIX: `{a${randomBytes(4).toString('hex')}}`,
    RETAILOPS_AUTH_TOKENS: TOKEN,
    // Off, so that a busy machine cannot shed these requests; test/e2e/protection.test.ts covers protection.
    RATE_LIMIT_MAX: '0',
    MAX_EVENT_LOOP_DELAY_MS: '0',
    LOG_LEVEL: 'silent',
  });
  const logger = pino({ level: 'silent' });
  redis = createRedis(redisUrl, 'producer', logger, 'app-inject-test');
  await connectAtStartup(redis, redisUrl);
  queues = new JobQueues(redis, config, logger);
  const metrics = createMetrics();
  const events = new EventStore(redis, { prefix: config.queuePrefix, ...config.events }, logger, metrics);
  const inbox = new InboxStore(redis, config.queuePrefix);
  app = buildIngressApp({ config, channels: config, redis, queues, events, inbox, metrics }, logger);
  await app.ready();
});

afterAll(async () => {
  await app?.close();
  await queues?.close();
  if (redis) await closeRedis(redis);
});

async function queuedJobs(): Promise<number> {
  const counts = await Promise.all(queues.all().map((queue) => queue.count()));
  return counts.reduce((total, count) => total + count, 0);
}

describe('buildIngressApp via inject()', () => {
  it('GET /healthz answers ok, with the request id it was given', async () => {
    const response = await app.inject({ method: 'GET', url: '/healthz', headers: { 'x-request-id': 'health-1' } });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({ status: 'ok' });
    expect(response.headers['x-request-id']).toBe('health-1');
  });

  it('401 ROB_UNAUTHORIZED without credentials, and nothing is queued', async () => {
    const response = await app.inject({ method: 'POST', url: '/order_cancel', payload: cancelBody });
    expect(response.statusCode).toBe(401);
    expect(response.json()).toEqual({ error: 'Unauthorized: missing credentials (headers.ticket or Authorization: Bearer)', code: 'ROB_UNAUTHORIZED' });
    expect(await queuedJobs()).toBe(0);
  });

  it('400 ROB_VALIDATION naming each issue, and nothing is queued', async () => {
    const data = cancelBody['data'] as Record<string, unknown>;
    const response = await app.inject({
      method: 'POST',
      url: '/order_cancel',
      headers: { authorization: `Bearer ${TOKEN}` },
      payload: { ...cancelBody, data: { ...data, order: { id: '4897' } } },
    });
    expect(response.statusCode).toBe(400);
    const body = response.json<{ error: string; code: string; issues: { path: string; message: string }[] }>();
    expect(body.code).toBe('ROB_VALIDATION');
    expect(body.issues).toEqual([{ path: 'data.order.channel_refnum', message: expect.any(String) }]);
    expect(body.error).toBe(`Invalid request: data.order.channel_refnum: ${body.issues[0]?.message}`);
    expect(await queuedJobs()).toBe(0);
  });

  it('400 ROB_VALIDATION from a route that checks beyond its schema (order_update_v1: an item with no sku)', async () => {
    const response = await app.inject({
      method: 'POST',
      url: '/order_update_v1',
      payload: {
        action: 'order_update',
        version: 1,
        client_id: 497,
        channel_info: { id: 21 },
        integration_auth_token: TOKEN,
        order: { channel_order_refnum: '496', order_items: [{ channel_item_refnum: 'unknown-line', quantity: 1 }] },
      },
    });
    expect(response.statusCode).toBe(400);
    const message = 'a sku, or a channel_item_refnum of a known item, is required';
    expect(response.json()).toEqual({
      error: `Invalid request: order.order_items.0.sku: ${message}`,
      code: 'ROB_VALIDATION',
      issues: [{ path: 'order.order_items.0.sku', message }],
    });
    expect(await queuedJobs()).toBe(0);
  });

  it('200 with the pending events for a valid cancel, and its job in Redis under its deterministic id', async () => {
    const response = await app.inject({
      method: 'POST',
      url: '/order_cancel',
      headers: { authorization: `Bearer ${TOKEN}`, 'x-request-id': 'cancel-1' },
      payload: cancelBody,
    });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({ events: [] });

    const payload = { refnum: '496', retailopsOrderId: '4897' };
    const job = await queues.queue('cancel').getJob(jobIdFor('cancel', 'default', '21', payload));
    expect(job?.data).toEqual({
      kind: 'cancel',
      meta: {
        clientId: 'default',
        channelId: '21',
        bindingKey: 'default',
        requestId: 'cancel-1',
        receivedAt: expect.any(String),
        sourceAction: 'order_cancel',
      },
      payload,
    });
    expect(await queuedJobs()).toBe(1);
  });
});
