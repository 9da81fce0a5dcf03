// The sandbox's in-memory fabric Inventory: inventories (one item at one location in one channel) and the counters
// (inventory positions) the merchant has configured. Like SandboxState, readers get copies and writers hand back
// whole inventories, so a refused call never leaves half a change behind. Starts empty: fabric documents no default
// counters, so a test configures the ones it uses (POST /v3/inventory-counters, or by seeding an inventory).
import { randomInt } from 'node:crypto';
import { alreadyExists } from './errors.js';
import type { FabricCounter, FabricInventory } from './types.js';

export interface StoredInventory {
  inventory: FabricInventory;
  /**
   * The caller chose the itemId (else fabric generated it): it must then be sent on every write
   * (fabric-inventory-openapi.yml:111-118, "you must include it in all inventory *Write* requests").
   */
  merchantItemId: boolean;
}

/** Where an inventory is: fabric identifies one by location number, channel and sku or itemId (2582-2588). */
export interface InventoryPlace {
  channelId: string;
  locationNumber: number;
  sku: string;
}

const INT32_MAX = 2 ** 31 - 1;

/** The identity fields never change once stored, so the indexes below never go stale. */
function placeKey(channelId: string, locationNumber: number, name: string | number): string {
  return `${channelId}\u0000${locationNumber}\u0000${typeof name}\u0000${name}`;
}

export class InventoryState {
  readonly #inventories = new Map<string, StoredInventory>();
  readonly #counters = new Map<string, FabricCounter>();
  // Indexes, so that a catalogue of tens of thousands of skus (a full inventory push) costs no scan per call.
  /** Place (channel, location, sku or itemId) → inventoryId. */
  readonly #byPlace = new Map<string, string>();
  /** sku → the item it names wherever it is stocked. */
  readonly #items = new Map<string, { itemId: number; merchantItemId: boolean }>();
  readonly #itemIds = new Set<number>();

  reset(): void {
    this.#inventories.clear();
    this.#counters.clear();
    this.#byPlace.clear();
    this.#items.clear();
    this.#itemIds.clear();
  }

  /** Copies of every inventory, in creation order. */
  list(): FabricInventory[] {
    return [...this.#inventories.values()].map((stored) => structuredClone(stored.inventory));
  }

  locate(place: InventoryPlace): StoredInventory | undefined {
    const inventoryId = this.#byPlace.get(placeKey(place.channelId, place.locationNumber, place.sku));
    const stored = inventoryId === undefined ? undefined : this.#inventories.get(inventoryId);
    return stored === undefined ? undefined : structuredClone(stored);
  }

  /** The item a sku already names anywhere (an item keeps one itemId wherever it is stocked), if any. */
  itemOf(sku: string): { itemId: number; merchantItemId: boolean } | undefined {
    const item = this.#items.get(sku);
    return item === undefined ? undefined : { ...item };
  }

  /** An itemId no inventory uses yet: random int32, so no caller can come to rely on a sandbox sequence. */
  newItemId(): number {
    let itemId = randomInt(1, INT32_MAX);
    while (this.#itemIds.has(itemId)) itemId = randomInt(1, INT32_MAX);
    return itemId;
  }

  /** 409 as createInventory documents it (2371-2381): same item ID or SKU, location and channel. */
  insert(stored: StoredInventory): FabricInventory {
    const { channelId, locationNumber, sku, itemId, inventoryId } = stored.inventory;
    const bySku = placeKey(channelId, locationNumber, sku);
    const byItem = placeKey(channelId, locationNumber, itemId);
    if (this.#byPlace.has(bySku) || this.#byPlace.has(byItem)) {
      throw alreadyExists('Inventory with same item ID or SKU, location ID and channel ID already exists');
    }
    this.#inventories.set(inventoryId, structuredClone(stored));
    this.#byPlace.set(bySku, inventoryId);
    this.#byPlace.set(byItem, inventoryId);
    if (!this.#items.has(sku)) this.#items.set(sku, { itemId, merchantItemId: stored.merchantItemId });
    this.#itemIds.add(itemId);
    return structuredClone(stored.inventory);
  }

  /** Replaces a stored inventory with its next state (same inventoryId; identity fields never change). */
  commit(inventory: FabricInventory): FabricInventory {
    const current = this.#inventories.get(inventory.inventoryId);
    if (current === undefined) throw new Error(`commit of unknown inventory ${inventory.inventoryId}`);
    this.#inventories.set(inventory.inventoryId, { ...current, inventory: structuredClone(inventory) });
    return structuredClone(inventory);
  }

  counters(): FabricCounter[] {
    return [...this.#counters.values()].map((counter) => structuredClone(counter));
  }

  hasCounter(code: string): boolean {
    return this.#counters.has(code);
  }

  /** 409 "Counter code already exists" as createCounter documents it (3008-3016). */
  addCounter(counter: FabricCounter): FabricCounter {
    if (this.#counters.has(counter.code)) throw alreadyExists('Counter code already exists');
    this.#counters.set(counter.code, structuredClone(counter));
    return structuredClone(counter);
  }
}
