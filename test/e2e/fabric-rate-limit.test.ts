import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pino } from 'pino';
import { startWorkers, type RunningWorkers } from '../../workers/start-workers.js';
import { postJson } from '../harness/http.js';
import { settled, startStack, TEST_TOKEN, type Stack } from '../harness/stack.js';

/** The per-tenant call budget holds across worker processes: two worker sets together stay under it. */
const PER_SECOND = 8;
let stack: Stack;
let second: RunningWorkers;

beforeAll(async () => {
  stack = await startStack({
    env: {
      FABRIC_RATE_LIMIT_PER_SECOND: String(PER_SECOND),
      WORKER_CONCURRENCY: '20',
      // Inventory writes may use half of it (4 a second), over 8 lanes so that many wait for a slot at once.
      FABRIC_INVENTORY_SHARE: '0.5',
      INVENTORY_MAPPING: JSON.stringify({ targets: [{ locationNumber: 1 }] }),
      INVENTORY_LANES: '8',
      INVENTORY_JOB_SKUS: '2',
    },
  });
  second = await startWorkers(stack.config, pino({ level: 'silent' }));
});
afterAll(async () => {
  await second?.close();
  await stack?.close();
});

describe('fabric rate limit per tenant', () => {
  it('spaces calls to the budget, whichever worker makes them: no one-second span holds more', async () => {
    const orders = Array.from({ length: 15 }, (_, index) => `L${index}`);
    for (const order of orders) {
      await stack.sandbox.createOrder({ orderNumber: order, createdAt: '2022-05-01T00:00:00.000Z', items: [{ sku: 'S', itemUnitPrice: 1, orderedQuantity: 1 }], orderTotal: 1 });
    }
    await Promise.all(orders.map((order) => postJson(stack.ingressUrl, '/order_cancel', { data: { channel: { id: 21 }, order: { channel_refnum: order } } }, { bearer: TEST_TOKEN })));
    await settled(stack, 30_000);
    const calls = (await stack.sandbox.calls()).filter((call) => call.kind === 'cancel');
    expect(calls).toHaveLength(orders.length);
    // Calls start at least 1/PER_SECOND apart (test/shared/fabric-rate-limiter checks the slots exactly). Seen from
    // fabric, a stalled process can send a few late calls together: allow one more per second than the slots give.
    const starts = calls.map((call) => Date.parse(call.at)).sort((a, b) => a - b);
    for (let first = 0; first + PER_SECOND + 2 < starts.length; first += 1) {
      const span = (starts[first + PER_SECOND + 2] ?? 0) - (starts[first] ?? 0);
      expect(span, `${PER_SECOND + 3} cancels within ${span} ms`).toBeGreaterThanOrEqual(1000);
    }
    // Each slot is 1/PER_SECOND: the 15 cancels, however interleaved with the GETs, are 14 slots (1.75 s) apart at least.
    expect((starts.at(-1) ?? 0) - (starts[0] ?? 0)).toBeGreaterThanOrEqual(1000);
  });

  it('gives inventory writes their share of the budget only, so orders still get slots during a push', async () => {
    const skus = Array.from({ length: 16 }, (_, index) => `INV${index}`);
    await stack.sandbox.seedInventories(skus.map((sku) => ({ sku, locationNumber: 1, counters: { onHand: 0 } })));
    const v1 = (action: string, fields: Record<string, unknown>) =>
      postJson(stack.ingressUrl, `/${action}_v1`, { action, version: 1, client_id: 497, channel_info: { id: 21 }, integration_auth_token: TEST_TOKEN, ...fields });
    expect((await v1('inventory_push', { inventory_updates: skus.map((sku) => ({ sku, quantity_available: 9 })) })).status).toBe(200);
    await stack.sandbox.createOrder({ orderNumber: 'DURING', createdAt: '2022-05-01T00:00:00.000Z', items: [{ sku: 'S', itemUnitPrice: 1, orderedQuantity: 1 }], orderTotal: 1 });
    expect((await v1('order_cancel', { order: { channel_order_refnum: 'DURING' } })).status).toBe(200);
    await settled(stack, 30_000);
    const calls = await stack.sandbox.calls();
    const writes = calls.filter((call) => call.kind === 'inventory').map((call) => Date.parse(call.at)).sort((a, b) => a - b);
    expect(writes).toHaveLength(skus.length);
    // 4 a second at most (one more allowed, as above): 16 writes span 15 slots of 250 ms.
    const share = PER_SECOND / 2;
    for (let first = 0; first + share + 2 < writes.length; first += 1) {
      expect((writes[first + share + 2] ?? 0) - (writes[first] ?? 0)).toBeGreaterThanOrEqual(1000);
    }
    // The cancel, sent after the whole push, did not queue behind it: it reached fabric before the last write.
    const cancel = calls.find((call) => call.kind === 'cancel' && call.orderNumber === 'DURING');
    expect(cancel).toBeDefined();
    expect(Date.parse(cancel?.at ?? '')).toBeLessThan(writes.at(-1) ?? 0);
  });
});
