import type { FabricItem, FabricOrder } from './schemas.js';

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

/**
 * fabric's item cancel names units (`itemUnitNumber`, "item unit number cancelled", required with `quantity`), but
 * its order shows only per-line counts. Units are taken to be numbered 1..orderedQuantity, shipped from the lowest and
 * cancelled from the highest, so `quantity` more cancels start at this unit: the same answer whoever asks, and one
 * that never names a unit already cancelled.
 */
export function firstUnitToCancel(item: FabricItem, quantity: number): number {
  return Math.max(1, item.orderedQuantity - item.cancelledQuantity - quantity + 1);
}

/** A line's item-level cancel entry: the units named as fabric's `orderCancelLineItem` requires. */
export interface LineCancel {
  readonly lineItemId: string;
  readonly sku: string;
  readonly itemUnitNumber: number;
  readonly quantity: number;
}

export function lineCancel(item: FabricItem, quantity: number): LineCancel {
  return { lineItemId: item.lineItemId, sku: item.sku, itemUnitNumber: firstUnitToCancel(item, quantity), quantity };
}
