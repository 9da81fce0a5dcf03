// Records what the bridge asked fabric to change, so tests can assert on calls rather than on
// side effects alone. A route marks a request as a ledger call as soon as its handler starts (it
// "reached the business logic"); the entry is written when the answer is sent, with its status.
import type { LedgerEntry, LedgerKind } from './types.js';

export type NewLedgerEntry = Omit<LedgerEntry, 'seq'>;

export class Ledger {
  #entries: LedgerEntry[] = [];
  #seq = 0;

  record(entry: NewLedgerEntry): LedgerEntry {
    this.#seq += 1;
    const stored: LedgerEntry = { seq: this.#seq, ...entry, body: structuredClone(entry.body) };
    this.#entries.push(stored);
    return stored;
  }

  list(): LedgerEntry[] {
    return structuredClone(this.#entries);
  }

  clear(): void {
    this.#entries = [];
    this.#seq = 0;
  }
}

export interface TrackedCall {
  kind: LedgerKind;
  orderNumber: string | null;
  /** When the call reached the business logic (ISO). */
  at: string;
}

/** Per-request notes kept outside the request object, so no global fastify type is augmented. */
export class CallTracker {
  readonly #calls = new WeakMap<object, TrackedCall>();

  track(request: object, kind: LedgerKind, orderNumber: string | null, at: string): void {
    this.#calls.set(request, { kind, orderNumber, at });
  }

  /** Lets a handler fill in the order number once it knows it (e.g. a cancel by orderId). */
  setOrderNumber(request: object, orderNumber: string): void {
    const call = this.#calls.get(request);
    if (call !== undefined) call.orderNumber = orderNumber;
  }

  take(request: object): TrackedCall | undefined {
    const call = this.#calls.get(request);
    this.#calls.delete(request);
    return call;
  }
}
