import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { LedgerEntry } from '../../sandbox/types.js';
import { postJson, v1Request } from '../harness/http.js';
import { contractProblems } from '../harness/fabric-contract.js';
import { eventually, jobCounts, settled, startStack, type Stack } from '../harness/stack.js';

/**
 * inventory_push_v1 end to end: ingress → inventory queue (lanes by sku) → find-and-update in the sandbox, held to
 * fabric's Inventory OpenAPI. Location 7 takes quantity_available as onHand; location 9 takes the internal stock of
 * facility "East" as onHand and the inflight stock anywhere as inTransit.
 */
const MAPPING = {
  targets: [
    { locationNumber: 7, counter: 'onHand' },
    { locationNumber: 9, counter: 'onHand', quantity: 'total_quantity', quantityTypes: ['internal'], facilities: ['East'] },
    { locationNumber: 9, counter: 'inTransit', quantity: 'available_quantity', quantityTypes: ['inflight'] },
  ],
  unknownSku: 'report',
};

let stack: Stack;

beforeAll(async () => {
  stack = await startStack({
    env: { INVENTORY_MAPPING: JSON.stringify(MAPPING), INVENTORY_LANES: '8', INVENTORY_JOB_SKUS: '100', INVENTORY_BODY_LIMIT_BYTES: String(3 * 1024 * 1024) },
  });
});
afterAll(async () => stack?.close());
beforeEach(async () => stack.reset());

type Update = { sku: string; quantity_available?: number; quantity_detail?: Record<string, unknown>[] };

async function push(updates: Update[]): Promise<Record<string, unknown>> {
  const response = await postJson(stack.ingressUrl, '/api/channel/inventory_push_v1', v1Request('inventory_push', { inventory_updates: updates }));
  expect(response.status).toBe(200);
  return (await response.json()) as Record<string, unknown>;
}

async function inventoryCalls(): Promise<LedgerEntry[]> {
  const calls = (await stack.sandbox.calls()).filter((call) => call.kind === 'inventory');
  for (const call of calls) expect(contractProblems(call.kind, call.body, call.path), call.path).toEqual([]);
  return calls;
}

async function seedCatalogue(skus: readonly string[], locationNumber: number, counters: Record<string, number>): Promise<void> {
  for (let start = 0; start < skus.length; start += 2500) {
    await stack.sandbox.seedInventories(skus.slice(start, start + 2500).map((sku) => ({ sku, locationNumber, counters })));
  }
}

describe('inventory_push_v1', () => {
  it('sets each mapped counter with find-and-update, validated against the Inventory spec', async () => {
    await seedCatalogue(['A1', 'B2'], 7, { onHand: 0 });
    await seedCatalogue(['A1'], 9, { onHand: 0, inTransit: 0 });
    const body = await push([
      {
        sku: 'A1',
        quantity_available: 24,
        quantity_detail: [
          { quantity_type: 'internal', facility_name: 'East', total_quantity: 30, available_quantity: 20 },
          { quantity_type: 'internal', facility_name: 'West', total_quantity: 5, available_quantity: 4 },
          { quantity_type: 'inflight', facility_name: 'West', total_quantity: 12, available_quantity: 10 },
        ],
      },
      { sku: 'B2', quantity_available: 3, quantity_detail: [] },
    ]);
    expect(body).toEqual({ events: [] });
    await settled(stack);
    expect((await stack.sandbox.getInventory('A1', 7))?.counters).toEqual({ onHand: 24 });
    expect((await stack.sandbox.getInventory('A1', 9))?.counters).toEqual({ onHand: 30, inTransit: 10 });
    expect((await stack.sandbox.getInventory('B2', 7))?.counters).toEqual({ onHand: 3 });
    const calls = await inventoryCalls();
    expect(calls.map((call) => [call.path, call.status, call.body])).toEqual(
      expect.arrayContaining([
        ['/v3/inventories/actions/find-and-update', 200, { sku: 'A1', locationNumber: 7, counters: { onHand: 24 } }],
        ['/v3/inventories/actions/find-and-update', 200, { sku: 'A1', locationNumber: 9, counters: { onHand: 30, inTransit: 10 } }],
      ]),
    );
    // B2 has no inventory at location 9: reported once in the push's summary, with the next response.
    const next = await push([]);
    expect(next['events']).toEqual([
      expect.objectContaining({ event_type: 'warning', code: 'INVENTORY_SKU_UNKNOWN', associations: [{ identifier_type: 'sku_number', identifier: 'B2' }] }),
    ]);
  });

  it('reports unknown skus once per push, aggregated, never one event per sku', async () => {
    const skus = Array.from({ length: 300 }, (_, index) => `U${index}`);
    await push(skus.map((sku) => ({ sku, quantity_available: 1 })));
    await settled(stack);
    const events = (await push([]))['events'] as Record<string, unknown>[];
    const unknown = events.filter((event) => event['code'] === 'INVENTORY_SKU_UNKNOWN');
    expect(unknown).toHaveLength(1);
    // Location 7 by quantity_available; location 9 needs quantity_detail, which these skus do not carry.
    expect(unknown[0]?.['message']).toMatch(/^300 skus have no inventory in fabric at the mapped location; nothing was set for them: U0@7, U1@7, .*, and 290 more$/);
    expect(unknown[0]?.['associations']).toHaveLength(100);
    expect(JSON.parse(unknown[0]?.['diagnostic_data'] as string)).toMatchObject({ count: 300 });
    // What the ingress could not map is said at once, also in one event.
    const direct = (await push([{ sku: 'U1', quantity_available: 2 }]))['events'] as Record<string, unknown>[];
    expect(direct).toEqual([expect.objectContaining({ code: 'INVENTORY_QUANTITY_MISSING' })]);
  });

  it('refuses a push that does not fit the contract, and enqueues nothing', async () => {
    const before = await jobCounts(stack);
    const response = await postJson(
      stack.ingressUrl,
      '/api/channel/inventory_push_v1',
      v1Request('inventory_push', { inventory_updates: [{ sku: 'A1', quantity_available: 2 ** 31 }, { sku: 'A2', quantity_available: 1.5 }] }),
    );
    expect(response.status).toBe(400);
    expect(await response.text()).toMatch(/inventory_updates\.0\.quantity_available.*32-bit/);
    expect(await jobCounts(stack)).toEqual(before);
  });

  it('has a body limit of its own: above BODY_LIMIT_BYTES is accepted, above INVENTORY_BODY_LIMIT_BYTES is 413', async () => {
    const send = (padding: number) =>
      postJson(stack.ingressUrl, '/api/channel/inventory_push_v1', v1Request('inventory_push', { inventory_updates: [], note: 'x'.repeat(padding) }));
    expect((await send(2 * 1024 * 1024)).status).toBe(200);
    expect((await send(3 * 1024 * 1024)).status).toBe(413);
    // Every other route keeps BODY_LIMIT_BYTES (1 MiB).
    const cancel = await postJson(stack.ingressUrl, '/api/channel/order_cancel_v1', v1Request('order_cancel', { order: { channel_order_refnum: '496' }, note: 'x'.repeat(2 * 1024 * 1024) }));
    expect(cancel.status).toBe(413);
  });

  it('a 10,000-sku push twice: every write validates, in order per sku, the last value wins, and orders are served meanwhile', async () => {
    const skus = Array.from({ length: 10_000 }, (_, index) => `SKU-${String(index).padStart(5, '0')}`);
    await seedCatalogue(skus, 7, { onHand: 0 });
    const first = skus.map((sku) => ({ sku, quantity_available: 5 }));
    const second = skus.map((sku, index) => ({ sku, quantity_available: index % 97 }));
    // The second push is accepted while the first is still being applied: both are in the lanes, in this order. (Their
    // skus carry no quantity_detail, so location 9's counters are left alone, said once per push.)
    const codes = (body: Record<string, unknown>) => (body['events'] as { code: string }[]).map((event) => event.code);
    expect(codes(await push(first))).toEqual(['INVENTORY_QUANTITY_MISSING']);
    expect(codes(await push(second))).toEqual(['INVENTORY_QUANTITY_MISSING']);
    // Orders meanwhile: their queue has its own workers, and inventory writes may use only a share of the budget.
    const cancels = await Promise.all(
      ['496', '497', '498'].map((refnum) => postJson(stack.ingressUrl, '/api/channel/order_cancel_v1', v1Request('order_cancel', { order: { channel_order_refnum: refnum } }))),
    );
    expect(cancels.map((response) => response.status)).toEqual([200, 200, 200]);
    await eventually(
      'the cancels',
      async () => {
        const { completed = 0, failed = 0 } = await stack.queues.cancel.getJobCounts('completed', 'failed');
        return completed + failed >= 3 ? true : undefined;
      },
      60_000,
    );
    const { waiting = 0, active = 0, delayed = 0 } = await stack.queues.inventory.getJobCounts('waiting', 'active', 'delayed');
    expect(waiting + active + delayed, 'the pushes were still being applied when the cancels were done').toBeGreaterThan(0);
    await settled(stack, 180_000);

    const updates = (await inventoryCalls()).filter((call) => call.path === '/v3/inventories/actions/find-and-update');
    expect(updates).toHaveLength(20_000);
    expect(updates.every((call) => call.status === 200)).toBe(true);
    const seen = new Map<string, number[]>();
    for (const call of updates) {
      const { sku, counters } = call.body as { sku: string; counters: { onHand: number } };
      seen.set(sku, [...(seen.get(sku) ?? []), counters.onHand]);
    }
    const outOfOrder = skus.filter((sku, index) => JSON.stringify(seen.get(sku)) !== JSON.stringify([5, index % 97]));
    expect(outOfOrder).toEqual([]);
    const stored = await stack.sandbox.inventories({ locationNumber: 7 });
    const wrong = stored.filter((inventory) => inventory.counters?.['onHand'] !== skus.indexOf(inventory.sku ?? '') % 97);
    expect(wrong).toEqual([]);
  }, 240_000);
});
