import { describe, expect, it } from 'vitest';
import { inventoryMappingSchema, mapInventoryPush, type InventoryMapping } from '../../shared/inventory/mapping.js';
import { inventoryLaneOf, splitPush } from '../../shared/inventory/split-push.js';
import { inventoryPushV1Request } from '../../shared/retailops/v1-requests.js';

const mapping = (value: unknown): InventoryMapping => inventoryMappingSchema.parse(value);

function updates(list: unknown[]) {
  return inventoryPushV1Request.parse({ action: 'inventory_push', version: 1, client_id: 1, channel_info: { id: 2 }, inventory_updates: list }).inventory_updates;
}

describe('inventory mapping', () => {
  it('defaults to quantity_available into onHand, and reports unknown skus', () => {
    expect(mapping({ targets: [{ locationNumber: 5 }] })).toEqual({ targets: [{ locationNumber: 5, counter: 'onHand', quantity: 'quantity_available' }], unknownSku: 'report' });
  });

  it('refuses what could not be meant: detail filters on the top-line quantity, a counter targeted twice, unknown keys', () => {
    expect(inventoryMappingSchema.safeParse({ targets: [{ locationNumber: 5, facilities: ['East'] }] }).success).toBe(false);
    expect(inventoryMappingSchema.safeParse({ targets: [{ locationNumber: 5 }, { locationNumber: 5, counter: 'onHand', quantity: 'total_quantity' }] }).success).toBe(false);
    expect(inventoryMappingSchema.safeParse({ targets: [{ locationNumber: 5, location: 6 }] }).success).toBe(false);
    expect(inventoryMappingSchema.safeParse({ targets: [] }).success).toBe(false);
    expect(inventoryMappingSchema.safeParse({ targets: [{ locationNumber: 2 ** 31 }] }).success).toBe(false);
  });

  it('sums the selected quantity_detail entries, one write per sku and location with all its counters', () => {
    const m = mapping({
      targets: [
        { locationNumber: 1 },
        { locationNumber: 2, quantity: 'total_quantity', quantityTypes: ['internal'], facilities: ['East', 'North'] },
        { locationNumber: 2, counter: 'inTransit', quantity: 'available_quantity', quantityTypes: ['inflight'] },
      ],
    });
    const pushed = updates([
      {
        sku: 'A',
        quantity_available: 7,
        quantity_detail: [
          { quantity_type: 'internal', facility_name: 'East', total_quantity: 4, available_quantity: 3 },
          { quantity_type: 'internal', facility_name: 'North', total_quantity: '6' },
          { quantity_type: 'internal', facility_name: 'West', total_quantity: 100 },
          { quantity_type: 'inflight', facility_name: 'West', total_quantity: 9, available_quantity: 8 },
          { facility_name: 'East', total_quantity: 50 },
        ],
      },
    ]);
    expect(mapInventoryPush(pushed, m)).toEqual({
      writes: [
        { sku: 'A', locationNumber: 1, counters: { onHand: 7 } },
        { sku: 'A', locationNumber: 2, counters: { onHand: 10, inTransit: 8 } },
      ],
      skipped: [],
    });
  });

  it('sets 0 where the detail lists nothing for a facility, but leaves a counter alone when the push gives no quantity for it', () => {
    const m = mapping({ targets: [{ locationNumber: 1 }, { locationNumber: 2, quantity: 'available_quantity', facilities: ['East'] }] });
    const result = mapInventoryPush(updates([{ sku: 'A', quantity_available: 3, quantity_detail: [{ facility_name: 'West', available_quantity: 2 }] }, { sku: 'B' }]), m);
    expect(result.writes).toEqual([
      { sku: 'A', locationNumber: 1, counters: { onHand: 3 } },
      { sku: 'A', locationNumber: 2, counters: { onHand: 0 } },
    ]);
    expect(result.skipped).toEqual([
      { sku: 'B', locationNumber: 1, counter: 'onHand', reason: 'no quantity_available' },
      { sku: 'B', locationNumber: 2, counter: 'onHand', reason: 'no quantity_detail' },
    ]);
  });

  it('takes the last entry of a sku listed twice in one push', () => {
    const m = mapping({ targets: [{ locationNumber: 1 }] });
    const result = mapInventoryPush(updates([{ sku: 'A', quantity_available: 1 }, { sku: 'B', quantity_available: 2 }, { sku: 'A', quantity_available: 3 }]), m);
    expect(result.writes).toEqual([
      { sku: 'B', locationNumber: 1, counters: { onHand: 2 } },
      { sku: 'A', locationNumber: 1, counters: { onHand: 3 } },
    ]);
  });

  it('refuses quantities fabric cannot hold (int32) and fractions, at ingress', () => {
    for (const quantity of [2 ** 31, -(2 ** 31) - 1, 1.5, 'x']) {
      expect(inventoryPushV1Request.safeParse({ action: 'a', version: 1, client_id: 1, channel_info: {}, inventory_updates: [{ sku: 'A', quantity_available: quantity }] }).success).toBe(false);
    }
    expect(updates([{ sku: 'A', quantity_available: -3 }])[0]?.quantity_available).toBe(-3);
  });
});

describe('splitting a push into lanes and jobs', () => {
  const write = (sku: string, locationNumber = 1) => ({ sku, locationNumber, counters: { onHand: 1 } });

  it('puts a sku and location in the same lane every time, and spreads skus over the lanes', () => {
    expect(inventoryLaneOf('A', 1, 16)).toBe(inventoryLaneOf('A', 1, 16));
    const lanes = new Set(Array.from({ length: 1000 }, (_, index) => inventoryLaneOf(`SKU${index}`, 1, 16)));
    expect(lanes.size).toBe(16);
  });

  it('cuts each lane into jobs of at most jobSkus writes, keeping the order of the writes within a lane', () => {
    const writes = Array.from({ length: 1000 }, (_, index) => write(`SKU${index}`));
    const chunks = splitPush(writes, { lanes: 4, jobSkus: 100 });
    expect(chunks.every((chunk) => chunk.writes.length <= 100)).toBe(true);
    expect(chunks.flatMap((chunk) => chunk.writes)).toHaveLength(1000);
    for (const lane of ['0', '1', '2', '3']) {
      const inLane = chunks.filter((chunk) => chunk.lane === lane).flatMap((chunk) => chunk.writes);
      expect(inLane).toEqual(writes.filter((entry) => inventoryLaneOf(entry.sku, entry.locationNumber, 4) === lane));
    }
  });
});
