// Which RetailOPS quantity feeds which fabric inventory: per channel binding (CHANNELS_FILE `inventory`, or
// INVENTORY_MAPPING in single-channel mode). Pure: the ingress maps a push with it before anything is enqueued, so a
// job carries fabric's own shape (sku, locationNumber, counters) and a worker never needs the mapping.
import { z } from 'zod';
import { INVENTORY_QUANTITY_TYPES, type InventoryUpdateV1 } from '../retailops/v1-requests.js';

const int32 = z.number().int().min(-2_147_483_648).max(2_147_483_647);

/**
 * One fabric counter at one location, and the RetailOPS quantity it is set to: the top-line `quantity_available`,
 * or the sum of `available_quantity` or `total_quantity` over the sku's `quantity_detail` entries of the listed
 * quantity types and facilities (each list, when given, narrows; absent: any).
 */
export const inventoryTargetSchema = z
  .object({
    locationNumber: int32.describe("fabric's locationNumber (int32)"),
    counter: z.string().min(1).max(100).default('onHand').describe('the fabric inventory counter set, e.g. onHand'),
    quantity: z.enum(['quantity_available', 'available_quantity', 'total_quantity']).default('quantity_available'),
    quantityTypes: z.array(z.enum(INVENTORY_QUANTITY_TYPES)).min(1).optional(),
    facilities: z.array(z.string().min(1)).min(1).optional(),
  })
  .strict()
  .refine((target) => target.quantity !== 'quantity_available' || (target.quantityTypes === undefined && target.facilities === undefined), {
    message: 'quantityTypes and facilities select quantity_detail entries: use them with quantity available_quantity or total_quantity',
  });

export const inventoryMappingSchema = z
  .object({
    targets: z.array(inventoryTargetSchema).min(1),
    /**
     * A sku fabric has no inventory for at a target location: `report` (one aggregated warning per push) or `create`
     * (POST /inventories with the counters pushed).
     */
    unknownSku: z.enum(['report', 'create']).default('report'),
  })
  .strict()
  .superRefine((mapping, context) => {
    const seen = new Set<string>();
    for (const [index, target] of mapping.targets.entries()) {
      const key = `${target.locationNumber}/${target.counter}`;
      if (seen.has(key)) context.addIssue({ code: 'custom', path: ['targets', index], message: `location ${target.locationNumber} counter ${target.counter} is targeted twice` });
      seen.add(key);
    }
  });

export type InventoryMapping = z.infer<typeof inventoryMappingSchema>;
export type InventoryTarget = InventoryMapping['targets'][number];

/** The mapping the sandbox plays with when nothing is configured: quantity_available → onHand at location 1. */
export const SANDBOX_INVENTORY_MAPPING: InventoryMapping = {
  targets: [{ locationNumber: 1, counter: 'onHand', quantity: 'quantity_available' }],
  unknownSku: 'report',
};

/** One find-and-update: the counters of one sku at one location, as fabric's updateInventory body names them. */
export interface InventoryWrite {
  readonly sku: string;
  readonly locationNumber: number;
  readonly counters: Record<string, number>;
}

/** A target a sku's update could not feed, and why; reported in the push's summary, never guessed. */
export interface SkippedTarget {
  readonly sku: string;
  readonly locationNumber: number;
  readonly counter: string;
  readonly reason: 'no quantity_available' | 'no quantity_detail';
}

export interface MappedPush {
  readonly writes: InventoryWrite[];
  readonly skipped: SkippedTarget[];
}

function valueFor(update: InventoryUpdateV1, target: InventoryTarget): number | SkippedTarget['reason'] {
  if (target.quantity === 'quantity_available') return update.quantity_available ?? 'no quantity_available';
  if (update.quantity_detail === undefined) return 'no quantity_detail';
  let sum = 0;
  for (const detail of update.quantity_detail) {
    if (target.quantityTypes && (detail.quantity_type === undefined || !target.quantityTypes.includes(detail.quantity_type))) continue;
    if (target.facilities && (detail.facility_name === undefined || !target.facilities.includes(detail.facility_name))) continue;
    sum += detail[target.quantity] ?? 0;
  }
  // A facility or type RetailOPS lists nothing for holds nothing: 0, not "unknown".
  return Math.max(-2_147_483_648, Math.min(2_147_483_647, sum));
}

/**
 * The fabric writes of a push: one per sku and location, with every counter the mapping sets there. A sku listed
 * twice in one push takes its last entry (the latest word wins, as between pushes).
 */
export function mapInventoryPush(updates: readonly InventoryUpdateV1[], mapping: InventoryMapping): MappedPush {
  const latest = new Map<string, InventoryUpdateV1>();
  for (const update of updates) {
    latest.delete(update.sku);
    latest.set(update.sku, update);
  }
  const writes: InventoryWrite[] = [];
  const skipped: SkippedTarget[] = [];
  for (const update of latest.values()) {
    const byLocation = new Map<number, Record<string, number>>();
    for (const target of mapping.targets) {
      const value = valueFor(update, target);
      if (typeof value === 'string') {
        skipped.push({ sku: update.sku, locationNumber: target.locationNumber, counter: target.counter, reason: value });
        continue;
      }
      const counters = byLocation.get(target.locationNumber) ?? {};
      counters[target.counter] = value;
      byLocation.set(target.locationNumber, counters);
    }
    for (const [locationNumber, counters] of byLocation) writes.push({ sku: update.sku, locationNumber, counters });
  }
  return { writes, skipped };
}
