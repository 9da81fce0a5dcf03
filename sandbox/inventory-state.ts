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

export class InventoryState {
  readonly #inventories = new Map<string, StoredInventory>();
  readonly #counters = new Map<string, FabricCounter>();

  reset(): void {
    this.#inventories.clear();
    this.#counters.clear();
  }

  /** Copies of every inventory, in creation order. */
  list(): FabricInventory[] {
    return [...this.#inventories.values()].map((stored) => structuredClone(stored.inventory));
  }

  locate(place: InventoryPlace): StoredInventory | undefined {
    for (const stored of this.#inventories.values()) {
      const { channelId, locationNumber, sku } = stored.inventory;
      if (channelId === place.channelId && locationNumber === place.locationNumber && sku === place.sku) {
        return structuredClone(stored);
      }
    }
    return undefined;
  }

  /** The item a sku already names anywhere (an item keeps one itemId wherever it is stocked), if any. */
  itemOf(sku: string): { itemId: number; merchantItemId: boolean } | undefined {
    for (const { inventory, merchantItemId } of this.#inventories.values()) {
      if (inventory.sku === sku) return { itemId: inventory.itemId, merchantItemId };
    }
    return undefined;
  }

  /** An itemId no inventory uses yet: random int32, so no caller can come to rely on a sandbox sequence. */
  newItemId(): number {
    const used = new Set([...this.#inventories.values()].map((stored) => stored.inventory.itemId));
    let itemId = randomInt(1, INT32_MAX);
    while (used.has(itemId)) itemId = randomInt(1, INT32_MAX);
    return itemId;
  }

  /** 409 as createInventory documents it (2371-2381): same item ID or SKU, location and channel. */
  insert(stored: StoredInventory): FabricInventory {
    const { channelId, locationNumber, sku, itemId } = stored.inventory;
    for (const { inventory } of this.#inventories.values()) {
      if (inventory.channelId !== channelId || inventory.locationNumber !== locationNumber) continue;
      if (inventory.sku === sku || inventory.itemId === itemId) {
        throw alreadyExists('Inventory with same item ID or SKU, location ID and channel ID already exists');
      }
    }
    this.#inventories.set(stored.inventory.inventoryId, structuredClone(stored));
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
