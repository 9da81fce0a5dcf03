import type { FabricItem, FabricOrder } from '../shared/fabric/schemas.js';

/** Quantities of a fabric line, as the bridge reasons about them. */
export function openQuantity(item: FabricItem): number {
  return Math.max(0, item.orderedQuantity - item.cancelledQuantity - item.shippedQuantity);
}

/** Ordered and not cancelled: what the customer still has or will get. */
export function activeQuantity(item: FabricItem): number {
  return Math.max(0, item.orderedQuantity - item.cancelledQuantity);
}

export function returnableQuantity(item: FabricItem): number {
  return Math.max(0, item.shippedQuantity - item.returnedQuantity);
}

export function linesWithSku(order: FabricOrder, sku: string): FabricItem[] {
  return order.items.filter((item) => item.sku === sku);
}

/** RetailOPS item references are fabric line item ids (as the order fetch sends them) or line numbers. */
export function lineByRef(order: FabricOrder, ref: string): FabricItem | undefined {
  return order.items.find((item) => item.lineItemId === ref) ?? order.items.find((item) => String(item.lineItemNumber) === ref);
}

/** Takes `quantity` from lines in order, each giving at most what `available` says; null when they hold too little. */
export function allocate(lines: readonly FabricItem[], quantity: number, available: (item: FabricItem) => number) {
  const taken: { item: FabricItem; quantity: number }[] = [];
  let left = quantity;
  for (const item of lines) {
    if (left === 0) break;
    const take = Math.min(left, available(item));
    if (take > 0) {
      taken.push({ item, quantity: take });
      left -= take;
    }
  }
  return left === 0 ? taken : null;
}
