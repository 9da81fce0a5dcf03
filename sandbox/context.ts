// Everything a sandbox route needs, built once per app by app.ts and passed to the route builders
// (no module-level singletons, so two apps in one test process never share state).
import type { ContractChecks } from './contract/checks.js';
import type { FaultInjector } from './faults.js';
import type { InventoryState } from './inventory-state.js';
import type { CallTracker, Ledger } from './ledger.js';
import type { Sleeper } from './sleep.js';
import type { SandboxState } from './state.js';
import type { TokenStore } from './tokens.js';

export interface ClientCredentials {
  clientId: string;
  clientSecret: string;
}

export interface SandboxContext {
  state: SandboxState;
  /** fabric's Inventory: inventories and configured counters. */
  inventory: InventoryState;
  ledger: Ledger;
  tracker: CallTracker;
  tokens: TokenStore;
  faults: FaultInjector;
  sleeper: Sleeper;
  clients: readonly ClientCredentials[];
  /** How long a simulated timeout hangs before answering, in ms. */
  timeoutHangMs: number;
  /** fabric's published contract, checked on every covered request (and answer, in tests). */
  contract: ContractChecks;
  /** Current time as an ISO string (injectable for tests). */
  nowIso: () => string;
}
