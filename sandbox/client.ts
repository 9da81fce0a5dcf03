// A small typed client for the sandbox's /_sandbox hooks, used by tests (over real HTTP, with
// global fetch). Imports types only, so using it never loads the server code.
import type { FaultConfig } from './faults.js';
import type { SandboxOrderInput } from './order-input.js';
import type { FabricOrder, LedgerEntry } from './types.js';

export type { FaultConfig } from './faults.js';
export type { SandboxOrderInput } from './order-input.js';
export type {
  FabricOrder,
  FabricOrderItem,
  LedgerEntry,
  LedgerKind,
  OrderStatusCode,
} from './types.js';

export interface SandboxClient {
  /** Demo orders back, ledger and faults cleared; issued tokens stay valid. */
  reset(): Promise<void>;
  /** Replaces the active fault configuration; returns it as the sandbox now applies it. */
  setFaults(faults: Partial<FaultConfig>): Promise<FaultConfig>;
  clearFaults(): Promise<FaultConfig>;
  /** Mutating /v3 calls that reached the business logic, oldest first. */
  calls(): Promise<LedgerEntry[]>;
  createOrder(order: SandboxOrderInput): Promise<FabricOrder>;
  /** undefined when the sandbox has no such order. */
  getOrder(orderNumber: string): Promise<FabricOrder | undefined>;
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

  return {
    reset: async () => {
      await call<unknown>('POST', '/reset', 200);
    },
    setFaults: (faults) => call<FaultConfig>('POST', '/faults', 200, faults),
    clearFaults: () => call<FaultConfig>('DELETE', '/faults', 200),
    calls: async () => (await call<{ calls: LedgerEntry[] }>('GET', '/calls', 200)).calls,
    createOrder: (order) => call<FabricOrder>('POST', '/orders', 201, order),
    getOrder: async (orderNumber) => {
      try {
        return await call<FabricOrder>('GET', `/orders/${encodeURIComponent(orderNumber)}`, 200);
      } catch (error) {
        if (error instanceof SandboxClientError && error.status === 404) return undefined;
        throw error;
      }
    },
  };
}
