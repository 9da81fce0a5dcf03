// A small typed client for the sandbox's /_sandbox hooks, used by tests (over real HTTP, with
// global fetch). Imports types only, so using it never loads the server code.
import type { ContractExchange, ContractViolation } from './contract/checks.js';
import type { FaultConfig } from './faults.js';
import type { CreateInventoryRequest } from './operations/inventory.js';
import type { SandboxOrderInput } from './order-input.js';
import type { FabricInventory, LedgerEntry, StoredOrder } from './types.js';

export type { ContractExchange, ContractViolation } from './contract/checks.js';
export type { FaultConfig } from './faults.js';
export type { SandboxOrderInput } from './order-input.js';

/** An inventory as fabric's create takes it (sku, locationNumber, counters required), and the channel it is in (default 12). */
export type SandboxInventoryInput = Partial<CreateInventoryRequest> & Pick<CreateInventoryRequest, 'sku' | 'locationNumber' | 'counters'> & { channelId?: string };
export type {
  FabricCounter,
  FabricInventory,
  FabricOrderItem,
  LedgerEntry,
  LedgerKind,
  OrderStatusCode,
  StoredOrder,
} from './types.js';

export interface SandboxClient {
  /** Demo orders back; inventories, counters, ledger and faults cleared; issued tokens stay valid. */
  reset(): Promise<void>;
  /** Replaces the active fault configuration; returns it as the sandbox now applies it. */
  setFaults(faults: Partial<FaultConfig>): Promise<FaultConfig>;
  clearFaults(): Promise<FaultConfig>;
  /** Mutating /v3 calls that reached the business logic, oldest first. */
  calls(): Promise<LedgerEntry[]>;
  createOrder(order: SandboxOrderInput): Promise<StoredOrder>;
  /** undefined when the sandbox has no such order. */
  getOrder(orderNumber: string): Promise<StoredOrder | undefined>;
  /** Requests refused and answers given against fabric's published contract (sandbox/contract/checks.ts). */
  contractViolations(): Promise<ContractViolation[]>;
  /** Every call the contract covers, as sent (only with the sandbox's validateResponses option). */
  contractExchanges(): Promise<ContractExchange[]>;
  /** Stores the body as it is, unvalidated: an order the bridge may not be able to read. */
  insertRawOrder(order: Record<string, unknown> & { orderNumber: string }): Promise<StoredOrder>;
  /** Replaces a stored order with the body as it is (a change made in fabric outside the bridge). */
  replaceOrder(order: Record<string, unknown> & { orderNumber: string }): Promise<StoredOrder>;
  /** fabric's fraud-release on a held order (sandbox/hold.ts). */
  releaseOrder(orderNumber: string): Promise<StoredOrder>;
  /** An inventory as it already is in fabric; the counters it uses are configured with it. */
  seedInventory(inventory: SandboxInventoryInput): Promise<FabricInventory>;
  /** Many inventories in one request (a catalogue). */
  seedInventories(inventories: readonly SandboxInventoryInput[]): Promise<FabricInventory[]>;
  /** Inventories, optionally only those of one sku, location or channel. */
  inventories(filter?: { sku?: string; locationNumber?: number; channelId?: string }): Promise<FabricInventory[]>;
  /** The inventory of a sku at a location in a channel (default 12); undefined when there is none. */
  getInventory(sku: string, locationNumber: number, channelId?: string): Promise<FabricInventory | undefined>;
}

export class SandboxClientError extends Error {
  constructor(
    readonly status: number,
    readonly body: string,
    what: string,
  ) {
    super(`sandbox ${what} failed with HTTP ${status}: ${body}`);
    this.name = 'SandboxClientError';
  }
}

export function createSandboxClient(baseUrl: string): SandboxClient {
  const root = baseUrl.replace(/\/+$/, '');

  // The sandbox is the other half of this contract, so its JSON is trusted to match the types.
  async function call<T>(method: string, path: string, expected: number, body?: unknown): Promise<T> {
    const response = await fetch(`${root}/_sandbox${path}`, {
      method,
      ...(body === undefined
        ? {}
        : { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }),
    });
    const text = await response.text();
    if (response.status !== expected) throw new SandboxClientError(response.status, text, `${method} ${path}`);
    return JSON.parse(text) as T;
  }

  const inventories: SandboxClient['inventories'] = async (filter = {}) => {
    const defined = Object.entries(filter).filter(([, value]) => value !== undefined);
    const query = new URLSearchParams(defined.map(([key, value]): [string, string] => [key, String(value)]));
    return (await call<{ inventories: FabricInventory[] }>('GET', `/inventories?${query.toString()}`, 200)).inventories;
  };

  return {
    reset: async () => {
      await call<unknown>('POST', '/reset', 200);
    },
    setFaults: (faults) => call<FaultConfig>('POST', '/faults', 200, faults),
    clearFaults: () => call<FaultConfig>('DELETE', '/faults', 200),
    calls: async () => (await call<{ calls: LedgerEntry[] }>('GET', '/calls', 200)).calls,
    createOrder: (order) => call<StoredOrder>('POST', '/orders', 201, order),
    insertRawOrder: (order) => call<StoredOrder>('POST', '/orders/raw', 201, order),
    replaceOrder: (order) => call<StoredOrder>('PUT', `/orders/${encodeURIComponent(order.orderNumber)}`, 200, order),
    releaseOrder: (orderNumber) => call<StoredOrder>('POST', `/orders/${encodeURIComponent(orderNumber)}/release`, 200),
    contractViolations: async () => (await call<{ violations: ContractViolation[] }>('GET', '/contract-violations', 200)).violations,
    contractExchanges: async () => (await call<{ exchanges: ContractExchange[] }>('GET', '/contract-exchanges', 200)).exchanges,
    seedInventory: (inventory) => call<FabricInventory>('POST', '/inventories', 201, inventory),
    seedInventories: async (list) => (await call<{ inventories: FabricInventory[] }>('POST', '/inventories', 201, list)).inventories,
    inventories,
    getInventory: async (sku, locationNumber, channelId = '12') => (await inventories({ sku, locationNumber, channelId }))[0],
    getOrder: async (orderNumber) => {
      try {
        return await call<StoredOrder>('GET', `/orders/${encodeURIComponent(orderNumber)}`, 200);
      } catch (error) {
        if (error instanceof SandboxClientError && error.status === 404) return undefined;
        throw error;
      }
    },
  };
}
