// The bookkeeping every successful order action ends with, in one place so no action forgets it.
import { applyDerivedStatus } from '../status.js';
import type { StoredOrder } from '../types.js';

export function nextRevision(order: StoredOrder, now: string): StoredOrder {
  order.version += 1;
  order.updatedAt = now;
  applyDerivedStatus(order);
  if (order.statusCode === 'ORDER_CANCELLED' && order.cancelledAt === undefined) order.cancelledAt = now;
  return order;
}

/** Sums requested quantities per line item, so repeating a line item cannot bypass a limit. */
export function quantitiesByLineItem<T>(
  entries: readonly T[],
  lineItemId: (entry: T) => string,
  quantity: (entry: T) => number,
): Map<string, number> {
  const totals = new Map<string, number>();
  for (const entry of entries) {
    const id = lineItemId(entry);
    totals.set(id, (totals.get(id) ?? 0) + quantity(entry));
  }
  return totals;
}
