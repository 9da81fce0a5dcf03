import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { postJson } from '../harness/http.js';
import { settled, startStack, TEST_TOKEN, type Stack } from '../harness/stack.js';

/**
 * Actions for one order run in the order RetailOPS sent them, across queues and worker slots; a job that fails for
 * good lets the next one run. Each update below lowers the quantity by one: run out of order, a later (lower)
 * target would be followed by an earlier (higher) one, which fabric cannot do and which would fail.
 */
let stack: Stack;

beforeAll(async () => {
  stack = await startStack({ env: { WORKER_CONCURRENCY: '20', JOB_ATTEMPTS: '3' } });
});
afterAll(async () => stack?.close());
beforeEach(async () => stack.reset());

async function createOrder(orderNumber: string, quantity: number): Promise<void> {
  await stack.sandbox.createOrder({
    orderNumber,
    createdAt: '2022-01-01T00:00:00.000Z',
    currency: 'USD',
    items: [{ lineItemId: `${orderNumber}-1`, sku: 'SKU-A', itemName: 'A', itemUnitPrice: 5, orderedQuantity: quantity }],
    orderTotal: 5 * quantity,
  });
}

function update(refnum: string, quantity: number) {
  return postJson(
    stack.ingressUrl,
    '/order_update',
    { version: 1, action: 'order_update', data: { channel: { id: 21 }, order: { channel_refnum: refnum }, line_items: [{ sku: 'SKU-A', quantity, removed: 0 }] } },
    { bearer: TEST_TOKEN },
  );
}

function cancel(refnum: string) {
  return postJson(stack.ingressUrl, '/order_cancel', { data: { channel: { id: 21 }, order: { channel_refnum: refnum } } }, { bearer: TEST_TOKEN });
}

async function pendingEvents(): Promise<unknown[]> {
  const response = await postJson(stack.ingressUrl, '/order_cancel', { data: { channel: { id: 21 }, order: { channel_refnum: 'none' } } }, { bearer: TEST_TOKEN });
  return ((await response.json()) as { events: unknown[] }).events;
}

describe('per-order ordering', () => {
  it('ten updates of each of five orders run in the order they were sent', async () => {
    const orders = ['P1', 'P2', 'P3', 'P4', 'P5'];
    for (const order of orders) await createOrder(order, 20);
    await stack.sandbox.setFaults({ latencyMs: 15 });
    for (let quantity = 19; quantity >= 10; quantity -= 1) {
      const responses = await Promise.all(orders.map((order) => update(order, quantity)));
      expect(responses.map((response) => response.status)).toEqual(Array(orders.length).fill(200));
    }
    await settled(stack, 30_000);
    const calls = await stack.sandbox.calls();
    for (const order of orders) {
      const cancels = calls.filter((call) => call.orderNumber === order && call.kind === 'cancel');
      expect(cancels.map((call) => call.status)).toEqual(Array(10).fill(200));
      expect((await stack.sandbox.getOrder(order))?.items[0]?.cancelledQuantity).toBe(10);
    }
    await stack.sandbox.clearFaults();
    expect(await stack.queues.update.getFailedCount()).toBe(0);
  });

  it('a cancel sent after an update reaches fabric only after that update', async () => {
    await createOrder('Q1', 5);
    await stack.sandbox.setFaults({ latencyMs: 100 });
    await update('Q1', 3);
    await cancel('Q1');
    await settled(stack);
    await stack.sandbox.clearFaults();
    const calls = (await stack.sandbox.calls()).filter((call) => call.orderNumber === 'Q1');
    expect(calls.map((call) => [call.kind, (call.body as { items?: unknown }).items === undefined ? 'order' : 'items'])).toEqual([
      ['cancel', 'items'],
      ['cancel', 'order'],
    ]);
  });

  it('an action that fails for good lets the next one of that order run', async () => {
    await createOrder('R1', 5);
    const first = await update('R1', 9); // above the ordered 5: fails for good
    const second = await update('R1', 4);
    // A fast worker may fail the first update before either response is written: the event then rides in one of them.
    const early: unknown[] = [];
    for (const response of [first, second]) early.push(...((await response.json()) as { events: unknown[] }).events);
    await settled(stack);
    expect(await stack.queues.update.getFailedCount()).toBe(1);
    expect((await stack.sandbox.getOrder('R1'))?.items[0]?.cancelledQuantity).toBe(1);
    expect([...early, ...(await pendingEvents())]).toEqual([expect.objectContaining({ error_code: 'UPDATE_NOT_SUPPORTED' })]);
  });
});
