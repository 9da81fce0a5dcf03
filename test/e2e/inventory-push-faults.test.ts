import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { postJson, v1Request } from '../harness/http.js';
import { contractProblems } from '../harness/fabric-contract.js';
import { eventually, settled, startStack, type Stack } from '../harness/stack.js';

/**
 * inventory_push_v1 when fabric is not simply there: a flaky gateway (parts retried, resuming where they stopped), a
 * part that fails for good (its own event; the push's summary still comes), and skus fabric does not know, created
 * (mapping `unknownSku: create`) or refused when the counter is not configured.
 */
let stack: Stack;

beforeAll(async () => {
  stack = await startStack({
    env: {
      INVENTORY_MAPPING: JSON.stringify({ targets: [{ locationNumber: 3, counter: 'onHand' }], unknownSku: 'create' }),
      INVENTORY_LANES: '4',
      INVENTORY_JOB_SKUS: '60',
      JOB_ATTEMPTS: '30',
    },
  });
});
afterAll(async () => stack?.close());
beforeEach(async () => stack.reset());

async function push(updates: { sku: string; quantity_available: number }[]): Promise<{ code: string; event_type: string; message: string; associations: unknown[] }[]> {
  const response = await postJson(stack.ingressUrl, '/api/channel/inventory_push_v1', v1Request('inventory_push', { inventory_updates: updates }));
  expect(response.status).toBe(200);
  return ((await response.json()) as { events: never[] }).events;
}

const skus = (count: number, prefix = 'F') => Array.from({ length: count }, (_, index) => `${prefix}${index}`);

describe('inventory_push_v1 against an unreliable fabric', () => {
  it('retries parts through a flaky gateway: each sku takes its pushes in order, and the last one wins', async () => {
    const all = skus(240);
    await stack.sandbox.seedInventories(all.map((sku) => ({ sku, locationNumber: 3, counters: { onHand: 0 } })));
    await stack.sandbox.setFaults({ errorRate: 0.15 });
    for (const value of [1, 2, 3]) await push(all.map((sku) => ({ sku, quantity_available: value })));
    await settled(stack, 60_000);
    await stack.sandbox.clearFaults();
    const sets = (await stack.sandbox.calls()).filter((call) => call.path === '/v3/inventories/actions/find-and-update' && call.status === 200);
    for (const call of sets) expect(contractProblems(call.kind, call.body, call.path)).toEqual([]);
    const applied = new Map<string, number[]>();
    for (const call of sets) {
      const { sku, counters } = call.body as { sku: string; counters: { onHand: number } };
      applied.set(sku, [...(applied.get(sku) ?? []), counters.onHand]);
    }
    // A resumed part may set a sku again (a set: harmless), never an older value after a newer one.
    const backwards = all.filter((sku) => (applied.get(sku) ?? []).some((value, index, values) => index > 0 && value < (values[index - 1] as number)));
    expect(backwards).toEqual([]);
    expect(all.filter((sku) => (applied.get(sku) ?? []).at(-1) !== 3)).toEqual([]);
    // Resuming keeps repeats few: at most one progress interval (25 writes) per failed attempt.
    expect(sets.length).toBeLessThan(720 * 1.5);
    expect((await stack.sandbox.inventories({ locationNumber: 3 })).every((inventory) => inventory.counters?.['onHand'] === 3)).toBe(true);
  }, 90_000);

  it('creates what fabric does not know, and refuses to invent a counter the tenant has not configured', async () => {
    // No counter is configured yet: the creates are refused, said once for the push.
    await push([{ sku: 'N1', quantity_available: 4 }, { sku: 'N2', quantity_available: 5 }]);
    await settled(stack);
    const refused = (await push([])).filter((event) => event.code === 'INVENTORY_SKU_REFUSED');
    expect(refused).toEqual([expect.objectContaining({ event_type: 'error', message: expect.stringMatching(/^fabric refused the counters of 2 skus: N1@3, N2@3 \(first: .*onHand/) })]);
    // Once onHand is configured (a seed elsewhere configures it), unknown skus are created with the pushed counters.
    await stack.sandbox.seedInventory({ sku: 'OTHER', locationNumber: 99, counters: { onHand: 1 } });
    expect(await push([{ sku: 'N1', quantity_available: 4 }])).toEqual([]);
    await settled(stack);
    expect((await stack.sandbox.getInventory('N1', 3))?.counters).toEqual({ onHand: 4 });
    expect(await push([])).toEqual([]);
    const creates = (await stack.sandbox.calls()).filter((call) => call.path === '/v3/inventories');
    for (const call of creates) expect(contractProblems(call.kind, call.body, call.path)).toEqual([]);
    expect(creates.at(-1)).toMatchObject({ status: 201, body: { sku: 'N1', locationNumber: 3, counters: { onHand: 4 } } });
  });

  it('a part that fails for good gets its own event naming its skus, and the push summary still comes', async () => {
    const restarted = await startStack({
      env: {
        INVENTORY_MAPPING: JSON.stringify({ targets: [{ locationNumber: 3 }] }),
        INVENTORY_LANES: '1',
        INVENTORY_JOB_SKUS: '2',
        JOB_ATTEMPTS: '1',
      },
    });
    try {
      await restarted.sandbox.seedInventories([{ sku: 'K1', locationNumber: 3, counters: { onHand: 0 } }]);
      const send = (updates: { sku: string; quantity_available: number }[]) =>
        postJson(restarted.ingressUrl, '/api/channel/inventory_push_v1', v1Request('inventory_push', { inventory_updates: updates }));
      // Two parts, (K1, Z1) and (Z2); the gateway refuses the first call, so whichever part runs first fails for good.
      // The first order sync runs first, so that its search is not the call refused.
      await settled(restarted);
      await restarted.sandbox.setFaults({ failNext: 1, status: 503 });
      expect((await send([{ sku: 'K1', quantity_available: 8 }, { sku: 'Z1', quantity_available: 1 }, { sku: 'Z2', quantity_available: 1 }])).status).toBe(200);
      await settled(restarted);
      // The part's failure event and the push's summary are stored apart (the summary once BullMQ has recorded the
      // failure), so they may come in two responses.
      const events: { code: string; associations: { identifier: string }[] }[] = [];
      await eventually('the events', async () => {
        const body = (await (await send([])).json()) as { events: typeof events };
        events.push(...body.events);
        return events.length >= 2 ? true : undefined;
      });
      const skusOf = (event: { associations: { identifier: string }[] } | undefined) => (event?.associations ?? []).map((association) => association.identifier);
      const failed = events.find((event) => event.code === 'SERVICE-5000');
      const unknown = events.find((event) => event.code === 'INVENTORY_SKU_UNKNOWN');
      expect(events).toHaveLength(2);
      const failedSkus = skusOf(failed);
      expect([['K1', 'Z1'], ['Z2']]).toContainEqual(failedSkus);
      // The summary names the unknown skus of the part that ran: Z1 or Z2, never one of the failed part's.
      expect(skusOf(unknown)).toEqual(['Z1', 'Z2'].filter((sku) => !failedSkus.includes(sku)));
    } finally {
      await restarted.close();
    }
  });
});
