// fabric derives an order's status from its items; the sandbox does the same in one pure function
// so every mutation (cancel, ship, return) ends in the same recomputation.
import type { FabricOrderItem, OrderStatusCode, QuantityInStatus, StoredOrder } from './types.js';

export interface UnitCounts {
  ordered: number;
  cancelled: number;
  shipped: number;
  returned: number;
}

/** The status rule, first match wins; `counts` may be one item or the sum over an order. */
export function deriveOrderStatus(counts: UnitCounts): OrderStatusCode {
  const live = counts.ordered - counts.cancelled;
  if (counts.ordered > 0 && live === 0) return 'ORDER_CANCELLED';
  if (live > 0 && counts.returned >= live) return 'ORDER_RETURNED';
  if (counts.returned > 0) return 'ORDER_PARTIALLY_RETURNED';
  if (live > 0 && counts.shipped >= live) return 'ORDER_SHIPPED';
  if (counts.shipped > 0) return 'ORDER_PARTIALLY_SHIPPED';
  if (counts.cancelled > 0) return 'ORDER_PARTIALLY_CANCELLED';
  return 'ORDER_CREATED';
}

/**
 * Units that can still be cancelled or shipped: ordered less cancelled less shipped. Not floored at 0, unlike the
 * bridge's openQuantity (shared/fabric/order-lines.ts): an order stored unvalidated by a /_sandbox/orders test hook
 * can hold more cancelled and shipped units than ordered, and the sandbox reports such an order as it is.
 */
export function openBalance(item: Pick<FabricOrderItem, 'orderedQuantity' | 'cancelledQuantity' | 'shippedQuantity'>): number {
  return item.orderedQuantity - item.cancelledQuantity - item.shippedQuantity;
}

/** Units that can still be returned: shipped less returned; not floored either (see openBalance). */
export function returnableBalance(item: Pick<FabricOrderItem, 'shippedQuantity' | 'returnedQuantity'>): number {
  return item.shippedQuantity - item.returnedQuantity;
}

function countsOf(item: FabricOrderItem): UnitCounts {
  return {
    ordered: item.orderedQuantity,
    cancelled: item.cancelledQuantity,
    shipped: item.shippedQuantity,
    returned: item.returnedQuantity,
  };
}

/** A returned unit leaves "shipped", so the states partition orderedQuantity exactly. */
export function quantityInStatusOf(item: FabricOrderItem): QuantityInStatus {
  return {
    created: openBalance(item),
    pendingShipped: 0,
    shipped: item.shippedQuantity - item.returnedQuantity,
    returned: item.returnedQuantity,
    cancelled: item.cancelledQuantity,
    hold: 0,
    delivered: 0,
  };
}

/** A hold status the order keeps until released (sandbox/hold.ts); only a full cancellation replaces it. */
export function isHoldStatus(status: string): boolean {
  return status === 'ORDER_HOLD_EXTERNAL' || status === 'ORDER_HOLD_FRAUD';
}

/** Recomputes every derived field in place; call it on a private copy, never on stored state. */
export function applyDerivedStatus(order: StoredOrder): StoredOrder {
  const held = isHoldStatus(order.statusCode) && order.orderReleasedAt === undefined;
  const total: UnitCounts = { ordered: 0, cancelled: 0, shipped: 0, returned: 0 };
  for (const item of order.items) {
    const counts = countsOf(item);
    item.quantityInStatus = quantityInStatusOf(item);
    // fabric's quantityInStatus has a `hold` count: a held order's open units are held, not created.
    if (held) item.quantityInStatus = { ...item.quantityInStatus, hold: item.quantityInStatus.created, created: 0 };
    // Line status uses the same rule as the order, without the ORDER_ prefix (fabric's exact
    // line vocabulary is not documented; this keeps it predictable).
    item.lineOrderStatus = deriveOrderStatus(counts).replace(/^ORDER_/, '');
    total.ordered += counts.ordered;
    total.cancelled += counts.cancelled;
    total.shipped += counts.shipped;
    total.returned += counts.returned;
  }
  const derived = deriveOrderStatus(total);
  order.statusCode = held && derived !== 'ORDER_CANCELLED' ? order.statusCode : derived;
  return order;
}
