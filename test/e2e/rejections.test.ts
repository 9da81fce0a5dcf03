import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { jobCounts, startStack, TEST_TOKEN, type Stack } from '../harness/stack.js';
import { fixtureBody, postJson, seedFixture, sendFixture } from '../harness/http.js';

/** A rejected call gets its 4xx with a reason, nothing is enqueued and no pending event is drained. */
let stack: Stack;

beforeAll(async () => {
  stack = await startStack({ workers: false });
});
afterAll(async () => stack?.close());
beforeEach(async () => stack.reset());

async function expectNothingEnqueued(): Promise<void> {
  expect(await jobCounts(stack)).toEqual({ order: 0, cancel: 0, update: 0, return: 0, inventory: 0 });
}

const cancelBody = fixtureBody(seedFixture('001-order-cancel'));

describe('authentication', () => {
  it('401 without credentials', async () => {
    const response = await postJson(stack.ingressUrl, '/order_cancel', cancelBody);
    expect(response.status).toBe(401);
    expect(await response.json()).toMatchObject({ code: 'ROB_UNAUTHORIZED', error: expect.stringContaining('missing credentials') });
    await expectNothingEnqueued();
  });

  it('401 with a wrong bearer token or ticket', async () => {
    expect((await postJson(stack.ingressUrl, '/order_cancel', cancelBody, { bearer: 'wrong-token' })).status).toBe(401);
    const fetch = seedFixture('000-order-fetch');
    const wrongTicket = { ...fetch, query: fetch.query?.replace(/headers\[ticket\]=[^&]*/, 'headers[ticket]=nope') };
    expect((await sendFixture(stack.ingressUrl, wrongTicket)).status).toBe(401);
    await expectNothingEnqueued();
  });

  it('401 when headers.client_id is not the client the token belongs to', async () => {
    const other = await startStack({ workers: false, env: { RETAILOPS_CLIENT_ID: '497' } });
    try {
      const body = { ...cancelBody, headers: { client_id: '500' } };
      const response = await postJson(other.ingressUrl, '/order_cancel', body, { bearer: TEST_TOKEN });
      expect(response.status).toBe(401);
      expect(await response.json()).toMatchObject({ error: expect.stringContaining('client 500') });
      const ok = await postJson(other.ingressUrl, '/order_cancel', { ...cancelBody, headers: { client_id: 497 } }, { bearer: TEST_TOKEN });
      expect(ok.status).toBe(200);
    } finally {
      await other.close();
    }
  });

  it('a 401 drains no pending event', async () => {
    const scope = { clientId: 'default', channelId: '21' };
    const { EventStore } = await import('../../shared/events/store.js');
    const store = new EventStore(stack.redis, { prefix: stack.config.queuePrefix, maxPending: 10, perResponse: 100 }, (await import('pino')).pino({ level: 'silent' }));
    await store.add(scope, {
      id: 'e1', severity: 'error', action: 'order_cancel', code: 'X', message: 'm', httpStatus: null, requestUrl: null,
      associations: [{ type: 'order', id: '496' }], diagnostic: {}, occurredAt: new Date().toISOString(),
    });
    expect((await postJson(stack.ingressUrl, '/order_cancel', cancelBody, { bearer: 'wrong-token' })).status).toBe(401);
    expect(await store.count(scope)).toBe(1);
  });
});

describe('validation', () => {
  it('400 with the failing paths', async () => {
    const body = { ...cancelBody, data: { channel: { id: 21 }, order: { id: '4897' } } };
    const response = await postJson(stack.ingressUrl, '/order_cancel', body, { bearer: TEST_TOKEN });
    expect(response.status).toBe(400);
    const error = (await response.json()) as { code: string; issues: { path: string; message: string }[] };
    expect(error.code).toBe('ROB_VALIDATION');
    expect(error.issues.map((issue) => issue.path)).toContain('data.order.channel_refnum');
    await expectNothingEnqueued();
  });

  it('400 for wrong types in an update', async () => {
    const body = fixtureBody(seedFixture('002-order-update'));
    const data = body['data'] as Record<string, unknown>;
    const response = await postJson(stack.ingressUrl, '/order_update', { ...body, data: { ...data, line_items: [{ sku: 132, quantity: 'two' }] } }, { bearer: TEST_TOKEN });
    expect(response.status).toBe(400);
    const error = (await response.json()) as { issues: { path: string }[] };
    expect(error.issues.map((issue) => issue.path)).toContain('data.line_items.0.quantity');
    await expectNothingEnqueued();
  });

  it('400 for an ack without refnums', async () => {
    const ack = seedFixture('000-order-ack');
    const response = await sendFixture(stack.ingressUrl, { ...ack, query: ack.query?.replace('data[order][acks][]=496&', '') });
    expect(response.status).toBe(400);
    await expectNothingEnqueued();
  });

  it('400 for malformed JSON', async () => {
    const response = await postJson(stack.ingressUrl, '/order_cancel', '{"data": {', { bearer: TEST_TOKEN });
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ error: expect.any(String) });
    await expectNothingEnqueued();
  });

  it('413 for a body over the limit', async () => {
    const huge = JSON.stringify({ ...cancelBody, padding: 'x'.repeat(stack.config.bodyLimitBytes + 10) });
    const response = await postJson(stack.ingressUrl, '/order_cancel', huge, { bearer: TEST_TOKEN });
    expect(response.status).toBe(413);
    await expectNothingEnqueued();
  });

  it('415 for a body that is not JSON', async () => {
    const response = await fetch(`${stack.ingressUrl}/order_cancel`, {
      method: 'POST',
      headers: { authorization: `Bearer ${TEST_TOKEN}`, 'content-type': 'text/plain' },
      body: 'cancel 496 please',
    });
    expect(response.status).toBe(415);
    await expectNothingEnqueued();
  });

  it('404 with a JSON body for an unknown route', async () => {
    const response = await fetch(`${stack.ingressUrl}/orders/refund`, { method: 'POST' });
    expect(response.status).toBe(404);
    expect(await response.json()).toMatchObject({ code: 'ROB_NOT_FOUND' });
  });
});

describe('acceptance', () => {
  it('200 means the job is in Redis, with a deterministic id', async () => {
    const response = await postJson(stack.ingressUrl, '/order_cancel', cancelBody, { bearer: TEST_TOKEN });
    expect(response.status).toBe(200);
    const waiting = await stack.queues.cancel.getWaiting();
    expect(waiting).toHaveLength(1);
    expect(waiting[0]?.id).toMatch(/^cancel-default-21-[0-9a-f]{32}$/);
    expect(waiting[0]?.data).toMatchObject({ kind: 'cancel', meta: { clientId: 'default', channelId: '21', sourceAction: 'order_cancel' }, payload: { refnum: '496' } });
  });

  it('the same cancel from /orders/cancel and /order_cancel is one job', async () => {
    await sendFixture(stack.ingressUrl, seedFixture('000-orders-cancel'), { bearer: TEST_TOKEN });
    await postJson(stack.ingressUrl, '/order_cancel', { ...cancelBody, headers: { client_id: '497' } }, { bearer: TEST_TOKEN });
    expect(await stack.queues.cancel.getWaitingCount()).toBe(1);
  });
});
