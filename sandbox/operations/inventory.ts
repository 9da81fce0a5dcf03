// fabric's Inventory writes and reads as pure functions of an inventory (or the list) and the request, as the order
// operations are. Line numbers are fabric-inventory-openapi.yml's. The request schemas mirror the spec's (the contract
// check has already refused what fabric refuses); they type the body and drop properties fabric does not name.
//
// - create (2306-2399): a new inventory; sku, locationNumber and counters required (createInventory 547-550).
// - find-and-update (2580-2663): properties named in the body are set, others kept ("does not override all the
//   existing properties", 2582-2588); a counter named is set to the value sent, counters not named are kept.
// - find-and-adjust-inventory-counters (2496-2579): each counter named moves by the value sent (a delta: "adjusted when
//   new inventory is received or when an item is shipped", 2498-2504); a counter the inventory lacks is a 404.
// - find (2400-2495): inventories by skus, itemIds, locationNumbers, networkCodes and region.
import { z } from 'zod';
import { inventoryNotFound, inventoryOrCounterNotFound, invalidValue, missingParameter, type SandboxApiError } from '../errors.js';
import type { StoredInventory } from '../inventory-state.js';
import type { FabricInventory } from '../types.js';

const int = z.number().int();
const counters = z.record(z.string(), int);
const status = z.enum(['IN_STOCK', 'LOW_STOCK', 'OUT_OF_STOCK', 'BACKORDER_STOCK', 'PREORDER_STOCK']);
const virtualCountersStatus = z.object({
  availableBackorder: z.string().optional(),
  availablePreorder: z.string().optional(),
  availableToPurchase: z.string().optional(),
});

/** What names the inventory a write is for: sku (required), locationNumber (required), itemId (optional). */
const identity = { sku: z.string(), itemId: int.optional(), locationNumber: int, counters };

/** The properties createInventory and updateInventory both set. */
const properties = {
  backorderLimit: int.optional(),
  backorderShipmentAt: z.string().optional(),
  customAttributes: z.record(z.string(), z.string()).optional(),
  hasInfiniteInventory: z.boolean().optional(),
  isNoStock: z.boolean().optional(),
  leadTime: z.string().optional(),
  lowStock: int.optional(),
  preorderLimit: int.optional(),
  preorderShipmentAt: z.string().optional(),
  region: z.string().optional(),
  safetyStock: int.optional(),
  status: status.optional(),
  type: z.string().optional(),
  vendorId: z.string().optional(),
  virtualCountersStatus: virtualCountersStatus.optional(),
};

/** createInventory (417-551). */
export const createInventoryRequestSchema = z.object({ ...identity, ...properties, networkCode: z.string().optional() });

/** updateInventory (1957-2096): `channelId` is part of the identity (2586-2588), not a property to change. */
export const updateInventoryRequestSchema = z.object({ ...identity, ...properties, channelId: z.string().optional() });

/** adjustCounterRequest (84-152). */
export const adjustCounterRequestSchema = z.object({
  ...identity,
  inventoryId: z.string().optional(),
  isNoStock: z.boolean().optional(),
  status: status.optional(),
  virtualCountersStatus: virtualCountersStatus.optional(),
});

/** inventoriesRequest (894-949). */
export const findInventoriesRequestSchema = z.object({
  itemIds: z.array(int).optional(),
  locationNumbers: z.array(int).optional(),
  locationTypes: z.array(z.string()).optional(),
  networkCodes: z.array(z.string()).optional(),
  region: z.string().optional(),
  segments: z.array(z.string()).optional(),
  skus: z.array(z.string()).optional(),
});

/** offset and limit of find (2409-2433) and of GET /inventory-counters (2876-2901). */
export const pageQuerySchema = z.object({
  offset: z.coerce.number().int().min(0).default(0),
  limit: z.coerce.number().int().min(1).max(100).default(10),
});

/** createCounterRequest (403-416). */
export const createCounterRequestSchema = z.object({ code: z.string(), name: z.string().optional() });

export type CreateInventoryRequest = z.output<typeof createInventoryRequestSchema>;
export type UpdateInventoryRequest = z.output<typeof updateInventoryRequestSchema>;
export type AdjustCounterRequest = z.output<typeof adjustCounterRequestSchema>;
export type FindInventoriesRequest = z.output<typeof findInventoriesRequestSchema>;
export type PageQuery = z.output<typeof pageQuerySchema>;

export interface Page<T> {
  data: T[];
  pagination: { offset: number; limit: number; count: number };
}

export function page<T>(items: readonly T[], query: PageQuery): Page<T> {
  return {
    data: items.slice(query.offset, query.offset + query.limit),
    pagination: { offset: query.offset, limit: query.limit, count: items.length },
  };
}

/** A new inventory; `hasInfiniteInventory` takes its documented default (false, 457-463). */
export function newInventory(
  body: CreateInventoryRequest,
  assigned: { inventoryId: string; itemId: number; channelId: string },
  now: string,
): FabricInventory {
  return { hasInfiniteInventory: false, ...body, ...assigned, createdAt: now, updatedAt: now };
}

/** "itemId … you must include it in all inventory *Write* requests" (111-118) once the merchant chose it. */
export const itemIdRequired = (): SandboxApiError => missingParameter('Mandatory param(s): `itemId` is/are missing');

/**
 * The inventory a find-and-update or adjust is for, or `notFound`. Where the spec lets two fields name the inventory
 * (sku and itemId; the header's channel and updateInventory's `channelId`; adjust's `inventoryId`), every one sent
 * must agree, so a call the sandbox accepts finds the same inventory whichever field fabric goes by.
 */
export function identifyInventory(
  stored: StoredInventory | undefined,
  body: { itemId?: number; inventoryId?: string; channelId?: string },
  channelId: string,
  notFound: () => SandboxApiError,
): FabricInventory {
  if (stored === undefined) throw notFound();
  const { inventory } = stored;
  if (body.channelId !== undefined && body.channelId !== channelId) throw notFound();
  if (body.itemId !== undefined && body.itemId !== inventory.itemId) throw notFound();
  if (body.inventoryId !== undefined && body.inventoryId !== inventory.inventoryId) throw notFound();
  if (body.itemId === undefined && stored.merchantItemId) throw itemIdRequired();
  return inventory;
}

/** The 404 of each write, naming what was looked for. */
export const notFoundFor = (kind: 'update' | 'adjust', place: { sku: string; locationNumber: number }, channelId: string) => {
  const detail = `sku ${place.sku} at location ${place.locationNumber} in channel ${channelId}`;
  return (): SandboxApiError => (kind === 'update' ? inventoryNotFound(detail) : inventoryOrCounterNotFound(detail));
};

/** Counter codes and custom attribute names a write uses that nobody configured (each a 404 for create and update). */
export function unknownAttributes(
  body: { counters: Record<string, number>; customAttributes?: Record<string, string> | undefined },
  isCounter: (code: string) => boolean,
): string[] {
  // The sandbox models no custom attribute configuration (the spec documents none), so none is configured.
  return [...Object.keys(body.counters).filter((code) => !isCounter(code)), ...Object.keys(body.customAttributes ?? {})];
}

/** find-and-update: set what the body names; counters and custom attributes are merged key by key. */
export function applyInventoryUpdate(inventory: FabricInventory, body: UpdateInventoryRequest, now: string): FabricInventory {
  const { sku: _sku, itemId: _itemId, locationNumber: _location, channelId: _channel, counters: set, customAttributes, ...changed } = body;
  return {
    ...inventory,
    ...changed,
    counters: { ...inventory.counters, ...set },
    ...(customAttributes === undefined ? {} : { customAttributes: { ...inventory.customAttributes, ...customAttributes } }),
    updatedAt: now,
  };
}

/** find-and-adjust-inventory-counters: add each delta to the counter it names; every one must be on the inventory. */
export function applyCounterAdjustment(inventory: FabricInventory, body: AdjustCounterRequest, now: string): FabricInventory {
  const { sku: _sku, itemId: _itemId, locationNumber: _location, inventoryId: _id, counters: deltas, ...changed } = body;
  const absent = Object.keys(deltas).filter((code) => !Object.hasOwn(inventory.counters, code));
  if (absent.length > 0) throw inventoryOrCounterNotFound(`counter ${absent.join(', ')} on sku ${inventory.sku}`);
  const counters = { ...inventory.counters };
  for (const [code, delta] of Object.entries(deltas)) counters[code] = (counters[code] ?? 0) + delta;
  return { ...inventory, ...changed, counters, updatedAt: now };
}

/** find: every list sent narrows the result (a value matches any entry of its list); locations are not modelled. */
export function findInventories(inventories: readonly FabricInventory[], body: FindInventoriesRequest, channelIds: readonly string[]): FabricInventory[] {
  // Location types and segments belong to fabric's Locations service, which the sandbox does not model: refused
  // rather than ignored, so a query never silently matches more than fabric would answer.
  for (const unmodelled of ['locationTypes', 'segments'] as const) {
    if (body[unmodelled] !== undefined) throw invalidValue(`The sandbox cannot find inventories by ${unmodelled}`);
  }
  const within = <T>(list: readonly T[] | undefined, value: T | undefined): boolean =>
    list === undefined || (value !== undefined && list.includes(value));
  return inventories.filter(
    (inventory) =>
      channelIds.includes(inventory.channelId) &&
      within(body.skus, inventory.sku) &&
      within(body.itemIds, inventory.itemId) &&
      within(body.locationNumbers, inventory.locationNumber) &&
      within(body.networkCodes, inventory.networkCode) &&
      (body.region === undefined || body.region === inventory.region),
  );
}
