import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { eventually, settled, startStack, TEST_TOKEN, type Stack } from '../harness/stack.js';
import { fixtureBody, postJson, seedFixture, sendFixture } from '../harness/http.js';

/**
 * What happens after the 200: duplicates run once, transient faults are retried to one effect, permanent failures
 * come back as events in the next response, in that route's dialect, and only once.
 */
let stack: Stack;

beforeAll(async () => {
  stack = await startStack({ env: { JOB_ATTEMPTS: '3' } });
});
afterAll(async () => stack?.close());
beforeEach(async () => stack.reset());

const cancelBody = fixtureBody(seedFixture('001-order-cancel'));
function cancelOf(refnum: string | number) {
  const data = cancelBody['data'] as { order: Record<string, unknown> };
  return { ...cancelBody, data: { ...data, order: { ...data.order, channel_refnum: refnum } } };
}

async function ledger(kind?: string) {
  return (await stack.sandbox.calls()).filter((call) => kind === undefined || call.kind === kind);
}

async function eventsFrom(response: Response) {
  expect(response.status).toBe(200);
  return ((await response.json()) as { events: Record<string, unknown>[] }).events;
}

describe('deduplication', () => {
  it('a redelivered webhook makes one fabric call', async () => {
    const first = await postJson(stack.ingressUrl, '/order_cancel', cancelOf(496), { bearer: TEST_TOKEN });
    const second = await postJson(stack.ingressUrl, '/order_cancel', cancelOf(496), { bearer: TEST_TOKEN });
    expect([first.status, second.status]).toEqual([200, 200]);
    await settled(stack);
    const third = await postJson(stack.ingressUrl, '/order_cancel', cancelOf('496'), { bearer: TEST_TOKEN });
    expect(third.status).toBe(200);
    await settled(stack);
    expect(await ledger('cancel')).toHaveLength(1);
  });

  it('concurrent deliveries of the same update make one fabric call', async () => {
    const fixture = seedFixture('002-order-update');
    const responses = await Promise.all(Array.from({ length: 10 }, () => sendFixture(stack.ingressUrl, fixture, { bearer: TEST_TOKEN })));
    expect(responses.map((response) => response.status)).toEqual(Array(10).fill(200));
    await settled(stack);
    expect(await ledger('cancel')).toHaveLength(1);
  });
});

describe('retries', () => {
  it('transient 503s then success: one effect', async () => {
    await stack.sandbox.setFaults({ failNext: 2, status: 503 });
    await sendFixture(stack.ingressUrl, seedFixture('004-order-returned'), { bearer: TEST_TOKEN });
    await settled(stack);
    const returns = await ledger('return');
    expect(returns).toHaveLength(1);
    expect(returns[0]?.status).toBe(201);
    const [job] = await stack.queues.return.getCompleted();
    // Retried (the two faults may also be spent by another fabric call of the run, such as an order sync).
    expect(job?.attemptsMade).toBeGreaterThan(1);
  });

  it('a 429 with Retry-After waits at least that long', async () => {
    await stack.sandbox.setFaults({ failNext: 1, status: 429, retryAfterSeconds: 1 });
    const sentAt = Date.now();
    await postJson(stack.ingressUrl, '/order_cancel', cancelOf(496), { bearer: TEST_TOKEN });
    const [call] = await eventually('the cancel to reach fabric', async () => {
      const calls = await ledger('cancel');
      return calls.length > 0 ? calls : undefined;
    });
    expect(Date.parse(call?.at ?? '') - sentAt).toBeGreaterThanOrEqual(1000);
  });

  it('a retried call whose first attempt reached fabric is not repeated', async () => {
    // The return reaches fabric, then the job is re-run as after a lost response: fabric holds the return id.
    await sendFixture(stack.ingressUrl, seedFixture('004-order-returned'), { bearer: TEST_TOKEN });
    await settled(stack);
    const [job] = await stack.queues.return.getCompleted();
    await job?.retry('completed');
    await settled(stack);
    expect(await ledger('return')).toHaveLength(1);
    const complete = seedFixture('000-order-complete');
    await sendFixture(stack.ingressUrl, complete);
    await settled(stack);
    const [completeJob] = await stack.queues.order.getCompleted();
    await completeJob?.retry('completed');
    await settled(stack);
    expect((await ledger('shipment')).filter((call) => call.status === 201)).toHaveLength(1);
  });
});

describe('failure events', () => {
  it('a permanent failure is an event in the next response (status dialect), once, with no retries', async () => {
    await postJson(stack.ingressUrl, '/order_cancel', cancelOf(999), { bearer: TEST_TOKEN });
    await settled(stack);
    const [failed] = await stack.queues.cancel.getFailed();
    expect(failed?.attemptsMade).toBe(1);
    const events = await eventsFrom(await postJson(stack.ingressUrl, '/order_cancel', cancelOf(497), { bearer: TEST_TOKEN }));
    expect(events).toEqual([
      {
        status: 'error',
        error_code: 'ORDER_NOT_FOUND',
        error_message: 'Order 999 does not exist in fabric',
        diagnostic_data: [expect.objectContaining({ jobId: failed?.id, attempts: 1 })],
        associations: [{ type: 'order', identity: '999' }],
      },
    ]);
    expect(await eventsFrom(await postJson(stack.ingressUrl, '/order_cancel', cancelOf(498), { bearer: TEST_TOKEN }))).toEqual([]);
  });

  it('a cancel of a shipped order fails at once; /orders routes render it in the handle dialect', async () => {
    await sendFixture(stack.ingressUrl, seedFixture('000-order-complete'));
    await settled(stack);
    await sendFixture(stack.ingressUrl, seedFixture('000-orders-cancel'));
    await settled(stack);
    expect(await ledger('cancel')).toHaveLength(1); // the unshipped remainder from complete, nothing more
    const events = await eventsFrom(await sendFixture(stack.ingressUrl, seedFixture('000-order-fetch')));
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({
      handle: 'channel_order_cancel_fail',
      secondary: { id: '496', concept: 'order' },
      data: { code: 'ORDER_NOT_CANCELLABLE', is_failure: 1, status: 0, message: expect.stringContaining('nothing left to cancel') },
    });
    expect(typeof (events[0]?.['data'] as { additonal: unknown }).additonal).toBe('string');
  });

  it('transient failures on every attempt end in an event with fabric status and code', async () => {
    await stack.sandbox.setFaults({ errorRate: 1, status: 503 });
    await postJson(stack.ingressUrl, '/order_cancel', cancelOf(496), { bearer: TEST_TOKEN });
    await settled(stack);
    await stack.sandbox.clearFaults();
    const [failed] = await stack.queues.cancel.getFailed();
    expect(failed?.attemptsMade).toBe(3);
    const events = await eventsFrom(await postJson(stack.ingressUrl, '/order_cancel', cancelOf(497), { bearer: TEST_TOKEN }));
    expect(events[0]).toMatchObject({ status: 'error', error_code: 'SERVICE-5000', associations: [{ type: 'order', identity: '496' }] });
    expect((await ledger('cancel')).filter((call) => call.orderNumber === '496')).toHaveLength(0);
  });

  it('an update that raises a quantity changes nothing and names the sku', async () => {
    const body = fixtureBody(seedFixture('002-order-update'));
    const data = body['data'] as Record<string, unknown>;
    await postJson(stack.ingressUrl, '/order_update', { ...body, data: { ...data, line_items: [{ sku: 132, quantity: 5, removed: 0 }] } }, { bearer: TEST_TOKEN });
    await settled(stack);
    const events = await eventsFrom(await postJson(stack.ingressUrl, '/order_cancel', cancelOf(498), { bearer: TEST_TOKEN }));
    expect(events[0]).toMatchObject({ error_code: 'UPDATE_NOT_SUPPORTED', associations: [{ type: 'order', identity: '496' }, { type: 'sku', identity: '132' }] });
    await settled(stack);
    expect((await ledger('cancel')).map((call) => call.orderNumber)).toEqual(['498']); // the update changed nothing
  });
});
