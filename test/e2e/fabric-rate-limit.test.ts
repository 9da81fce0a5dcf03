import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pino } from 'pino';
import { startWorkers, type RunningWorkers } from '../../workers/server.js';
import { postJson } from '../harness/http.js';
import { settled, startStack, TEST_TOKEN, type Stack } from '../harness/stack.js';

/** The per-tenant call budget holds across worker processes: two worker sets together stay under it. */
const PER_SECOND = 8;
let stack: Stack;
let second: RunningWorkers;

beforeAll(async () => {
  stack = await startStack({ env: { FABRIC_RATE_LIMIT_PER_SECOND: String(PER_SECOND), WORKER_CONCURRENCY: '20' } });
  second = await startWorkers(stack.config, pino({ level: 'silent' }));
});
afterAll(async () => {
  await second?.close();
  await stack?.close();
});

describe('fabric rate limit per tenant', () => {
  it('never starts more than the budget in one second, whichever worker makes the call', async () => {
    const orders = Array.from({ length: 15 }, (_, index) => `L${index}`);
    for (const order of orders) {
      await stack.sandbox.createOrder({ orderNumber: order, createdAt: '2022-05-01T00:00:00.000Z', items: [{ sku: 'S', itemUnitPrice: 1, orderedQuantity: 1 }], orderTotal: 1 });
    }
    await Promise.all(orders.map((order) => postJson(stack.ingressUrl, '/order_cancel', { data: { channel: { id: 21 }, order: { channel_refnum: order } } }, { bearer: TEST_TOKEN })));
    await settled(stack, 30_000);
    const calls = (await stack.sandbox.calls()).filter((call) => call.kind === 'cancel');
    expect(calls).toHaveLength(orders.length);
    // Each cancel is a GET then a POST: 30 calls at 8 per second take at least three windows.
    const perSecond = new Map<number, number>();
    for (const call of calls) perSecond.set(Math.floor(Date.parse(call.at) / 1000), (perSecond.get(Math.floor(Date.parse(call.at) / 1000)) ?? 0) + 1);
    expect(Math.max(...perSecond.values())).toBeLessThanOrEqual(PER_SECOND);
    expect(perSecond.size).toBeGreaterThanOrEqual(2);
  });
});
