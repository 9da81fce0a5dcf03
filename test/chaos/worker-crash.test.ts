import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { postJson } from '../harness/http.js';
import { spawnWorker, waitForLine, workerEnv, type WorkerProcess } from '../harness/processes.js';
import { eventually, settled, startStack, TEST_TOKEN, type Stack } from '../harness/stack.js';

/**
 * kill -9 a worker in the middle of 500 actions over 50 orders: after the stalled jobs are taken back by another
 * worker, every action has had its effect on fabric exactly once, in order per order.
 */
const ORDERS = 50;
const UPDATES_PER_ORDER = 10;
let stack: Stack;
const workers: WorkerProcess[] = [];

beforeAll(async () => {
  stack = await startStack({ workers: false });
});
afterAll(async () => {
  for (const worker of workers) worker.kill('SIGKILL');
  await stack?.close();
});

describe('a worker killed mid-batch', () => {
  it('every action completes exactly once, in order per order', async () => {
    const env = workerEnv(stack, { WORKER_CONCURRENCY: '20', WORKER_LOCK_DURATION_MS: '2000', WORKER_STALLED_INTERVAL_MS: '1000' });
    const orders = Array.from({ length: ORDERS }, (_, index) => `K${index}`);
    for (const order of orders) {
      await stack.sandbox.createOrder({
        orderNumber: order,
        createdAt: '2022-02-01T00:00:00.000Z',
        items: [{ lineItemId: `${order}-1`, sku: 'SKU-K', itemName: 'K', itemUnitPrice: 3, orderedQuantity: 20 }],
        orderTotal: 60,
      });
    }
    await stack.sandbox.setFaults({ latencyMs: 25 });
    const first = spawnWorker(env);
    workers.push(first);
    await waitForLine(first, 'workers running');

    for (let quantity = 19; quantity >= 20 - UPDATES_PER_ORDER; quantity -= 1) {
      const responses = await Promise.all(
        orders.map((order) =>
          postJson(stack.ingressUrl, '/order_update', { data: { channel: { id: 21 }, order: { channel_refnum: order }, line_items: [{ sku: 'SKU-K', quantity }] } }, { bearer: TEST_TOKEN }),
        ),
      );
      expect(new Set(responses.map((response) => response.status))).toEqual(new Set([200]));
    }

    await eventually('a third of the batch on fabric', async () => ((await stack.sandbox.calls()).length >= 150 ? true : undefined), 60_000);
    first.kill('SIGKILL');
    expect(await first.exited).toBeNull(); // killed by the signal, no clean exit
    const second = spawnWorker(env);
    workers.push(second);
    await settled(stack, 90_000);
    await stack.sandbox.clearFaults();

    const calls = await stack.sandbox.calls();
    for (const order of orders) {
      const cancels = calls.filter((call) => call.orderNumber === order && call.kind === 'cancel');
      expect(cancels.map((call) => [call.status, (call.body as { items: { quantity: number }[] }).items[0]?.quantity])).toEqual(
        Array(UPDATES_PER_ORDER).fill([200, 1]),
      );
      expect((await stack.sandbox.getOrder(order))?.items[0]?.cancelledQuantity).toBe(UPDATES_PER_ORDER);
    }
    expect(await stack.queues.update.getFailedCount()).toBe(0);
    expect(await stack.queues.update.getCompletedCount()).toBe(ORDERS * UPDATES_PER_ORDER);
    expect(second.lines.some((line) => line['msg'] === 'job done')).toBe(true);
  }, 180_000);
});
