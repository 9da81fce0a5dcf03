// What reached the sandbox, read from its ledger (GET /_sandbox/calls): every changing /v3 call with the time it
// reached fabric's business logic. Read once, after everything measured: the ledger holds every call's body, and
// serialising tens of thousands of them leaves the sandbox garbage to collect, a pause in whatever it serves next.
import type { LedgerEntry } from '../../sandbox/client.js';
import { percentile } from './util.js';

export interface InventoryWrites {
  /** Arrival times (ms since the epoch) of the find-and-update calls, sorted. */
  readonly times: number[];
  /** How many of them fabric answered with each status. */
  readonly statuses: Record<string, number>;
}

/** The find-and-update calls that arrived from `from` to `to` (ms since the epoch, both included). */
export function inventoryWrites(entries: readonly LedgerEntry[], from: number, to: number): InventoryWrites {
  const writes = entries.filter((entry) => {
    if (entry.kind !== 'inventory' || !entry.path.endsWith('/inventories/actions/find-and-update')) return false;
    const at = Date.parse(entry.at);
    return at >= from && at <= to;
  });
  const statuses: Record<string, number> = {};
  for (const write of writes) statuses[String(write.status)] = (statuses[String(write.status)] ?? 0) + 1;
  return { times: writes.map((write) => Date.parse(write.at)).sort((a, b) => a - b), statuses };
}

/** Calls per second between the first and the last (the rate the sandbox saw, start-up and tail excluded). */
export function rateBetweenFirstAndLast(times: readonly number[]): number {
  const first = times[0];
  const last = times.at(-1);
  if (first === undefined || last === undefined || last <= first) return Number.NaN;
  return ((times.length - 1) / (last - first)) * 1000;
}

/** The most calls any window of `windowMs` holds (windows start at each call: the worst one is found). */
export function maxInWindow(times: readonly number[], windowMs = 1000): { count: number; startsAt: number | null } {
  let best = { count: 0, startsAt: null as number | null };
  let end = 0;
  for (let start = 0; start < times.length; start += 1) {
    const from = times[start] as number;
    while (end < times.length && (times[end] as number) < from + windowMs) end += 1;
    if (end - start > best.count) best = { count: end - start, startsAt: from };
  }
  return best;
}

/** How many windows of `windowMs` (one starting at each call) hold more than `limit` calls. */
export function windowsOver(times: readonly number[], limit: number, windowMs = 1000): number {
  let over = 0;
  let end = 0;
  for (let start = 0; start < times.length; start += 1) {
    while (end < times.length && (times[end] as number) < (times[start] as number) + windowMs) end += 1;
    if (end - start > limit) over += 1;
  }
  return over;
}

/** Calls in each consecutive second from the first one: where a run was fast or slow. */
export function perSecond(times: readonly number[]): number[] {
  const first = times[0];
  if (first === undefined) return [];
  const bins: number[] = [];
  for (const time of times) {
    const bin = Math.floor((time - first) / 1000);
    while (bins.length <= bin) bins.push(0);
    bins[bin] = (bins[bin] ?? 0) + 1;
  }
  return bins;
}

/**
 * The gaps between consecutive arrivals (ms), and how many are shorter than `closerThanMs`. Calls the budget starts
 * 1/rate apart arrive closer together only when the time from the reserved slot to the arrival varied (the wake-up,
 * the tenant budget's own round trip, the event loops on the way).
 */
export function arrivalGaps(times: readonly number[], closerThanMs: number): { min: number; p1: number; p50: number; max: number; closer: number } {
  const gaps = times.slice(1).map((time, index) => time - (times[index] as number)).sort((a, b) => a - b);
  return { min: gaps[0] ?? Number.NaN, p1: percentile(gaps, 1), p50: percentile(gaps, 50), max: gaps.at(-1) ?? Number.NaN, closer: gaps.filter((gap) => gap < closerThanMs).length };
}

/** When fabric's cancel of each order reached the sandbox (ms since the epoch), by order number. */
export function cancelArrivals(entries: readonly LedgerEntry[]): Map<string, number> {
  const arrivals = new Map<string, number>();
  for (const entry of entries) {
    if (entry.kind !== 'cancel' || entry.orderNumber === null) continue;
    const at = Date.parse(entry.at);
    const known = arrivals.get(entry.orderNumber);
    if (known === undefined || at < known) arrivals.set(entry.orderNumber, at);
  }
  return arrivals;
}

/**
 * fabric's cancels of the orders numbered `first … first + count - 1`: how many orders fabric cancelled (a 2xx
 * answer), and how many cancel calls it saw for them in all (more than the orders: a retry, or a second cancel).
 */
export function cancelsOf(entries: readonly LedgerEntry[], first: number, count: number): { ordersCancelled: number; calls: number; statuses: Record<string, number> } {
  const cancelled = new Set<string>();
  const statuses: Record<string, number> = {};
  let calls = 0;
  for (const entry of entries) {
    if (entry.kind !== 'cancel' || entry.orderNumber === null) continue;
    const number = Number(entry.orderNumber);
    if (!(number >= first && number < first + count)) continue;
    calls += 1;
    statuses[String(entry.status)] = (statuses[String(entry.status)] ?? 0) + 1;
    if (entry.status >= 200 && entry.status <= 299) cancelled.add(entry.orderNumber);
  }
  return { ordersCancelled: cancelled.size, calls, statuses };
}
