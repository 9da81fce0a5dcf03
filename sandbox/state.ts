// The sandbox's in-memory fabric: orders by number and id, plus the shipment numbers already used.
// Readers get deep copies and writers hand back whole orders, so a failed action can never leave a
// half-changed order behind (fabric's actions are all-or-nothing). Route handlers do no await
// between reading an order and committing it, so two concurrent actions cannot interleave.
import { demoOrderInputs } from './demo-orders.js';
import { alreadyExists } from './errors.js';
import { buildOrder } from './order-factory.js';
import { shipmentAlreadyCreated } from './operations/shipment.js';
import { orderInputSchema } from './order-input.js';
import type { StoredOrder } from './types.js';

export { deriveOrderStatus, applyDerivedStatus, openBalance, returnableBalance } from './status.js';

/** The demo orders as stored orders; `now` only fills fields the demo data leaves out. */
export function buildDemoOrders(now: string): StoredOrder[] {
  return demoOrderInputs().map((input) => buildOrder(orderInputSchema.parse(input), { now, channelId: '12' }));
}

export class SandboxState {
  readonly #orders = new Map<string, StoredOrder>();
  readonly #numberById = new Map<string, string>();
  readonly #shipmentNumbers = new Set<string>();
  readonly #seed: () => StoredOrder[];

  constructor(seed: () => StoredOrder[]) {
    this.#seed = seed;
    this.reset();
  }

  /** Back to the seed orders; shipment numbers are forgotten with the orders that used them. */
  reset(): void {
    this.#orders.clear();
    this.#numberById.clear();
    this.#shipmentNumbers.clear();
    for (const order of this.#seed()) this.insert(order);
  }

  findByNumber(orderNumber: string): StoredOrder | undefined {
    const order = this.#orders.get(orderNumber);
    return order === undefined ? undefined : structuredClone(order);
  }

  findById(orderId: string): StoredOrder | undefined {
    const orderNumber = this.#numberById.get(orderId);
    return orderNumber === undefined ? undefined : this.findByNumber(orderNumber);
  }

  /** Copies of every order, in insertion order. */
  list(): StoredOrder[] {
    return [...this.#orders.values()].map((order) => structuredClone(order));
  }

  insert(order: StoredOrder): StoredOrder {
    if (this.#orders.has(order.orderNumber)) throw alreadyExists(`Order ${order.orderNumber} already exists`);
    if (this.#numberById.has(order.orderId)) throw alreadyExists(`Order id ${order.orderId} already exists`);
    this.#orders.set(order.orderNumber, structuredClone(order));
    this.#numberById.set(order.orderId, order.orderNumber);
    for (const shipment of order.shipments) this.#shipmentNumbers.add(shipment.shipmentNumber);
    return structuredClone(order);
  }

  /** Replaces a stored order with its next revision (same orderNumber and orderId). */
  commit(order: StoredOrder): StoredOrder {
    const current = this.#orders.get(order.orderNumber);
    if (current === undefined || current.orderId !== order.orderId) {
      throw new Error(`commit of unknown order ${order.orderNumber}`);
    }
    this.#orders.set(order.orderNumber, structuredClone(order));
    return structuredClone(order);
  }

  hasShipmentNumber(shipmentNumber: string): boolean {
    return this.#shipmentNumbers.has(shipmentNumber);
  }

  /** Stores the shipped order and claims its shipment number in one step. */
  commitShipment(order: StoredOrder, shipmentNumber: string): StoredOrder {
    if (this.#shipmentNumbers.has(shipmentNumber)) throw shipmentAlreadyCreated(shipmentNumber);
    const stored = this.commit(order);
    this.#shipmentNumbers.add(shipmentNumber);
    return stored;
  }
}
