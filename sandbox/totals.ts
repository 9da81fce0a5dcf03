// Order totals computed the way a storefront would send them to fabric, in cents (see money.ts).
// Used to fill totals a created order omits and to keep the demo orders' payments consistent.
import { fromCents, toCents } from './money.js';

export interface TotalsItem {
  itemUnitPrice: number;
  orderedQuantity: number;
  /** fabric's itemSubtotal counts `orderedQuantity - cancelledQuantity` units (orders spec, orderItem.itemSubtotal). */
  cancelledQuantity?: number | undefined;
  itemTaxTotal?: number | undefined;
  itemDiscountsTotal?: number | undefined;
}

export interface TotalsShipTo {
  shipToPrice?: number | undefined;
}

export interface OrderTotals {
  orderSubtotal: number;
  taxTotal: number;
  orderDiscount: number;
  feeTotal: number;
  orderTotal: number;
}

export function computeOrderTotals(items: readonly TotalsItem[], shipInfo: readonly TotalsShipTo[]): OrderTotals {
  let subtotal = 0;
  let tax = 0;
  let discount = 0;
  for (const item of items) {
    subtotal += toCents(item.itemUnitPrice) * (item.orderedQuantity - (item.cancelledQuantity ?? 0));
    tax += toCents(item.itemTaxTotal ?? 0);
    discount += toCents(item.itemDiscountsTotal ?? 0);
  }
  const shipping = shipInfo.reduce((cents, shipTo) => cents + toCents(shipTo.shipToPrice ?? 0), 0);
  const fees = 0;
  return {
    orderSubtotal: fromCents(subtotal),
    taxTotal: fromCents(tax),
    orderDiscount: fromCents(discount),
    feeTotal: fromCents(fees),
    orderTotal: fromCents(subtotal + tax + shipping + fees - discount),
  };
}

/**
 * fabric recalculates an order's amounts when units are cancelled (orders spec: itemSubtotal, taxTotal, orderDiscount and
 * orderTotal are all "recalculated"). The cancelled units take their price and their share of the line's tax and
 * discount (rounded to the cent) out of the line and the order; amounts the sandbox does not model stay as they are.
 */
export function removeCancelledUnits(
  order: { orderSubtotal?: number | undefined; taxTotal?: number | undefined; orderDiscount?: number | undefined; orderTotal?: number | undefined },
  item: { itemUnitPrice: number; itemTaxTotal?: number | undefined; itemDiscountsTotal?: number | undefined },
  unitsBefore: number,
  cancelled: number,
): void {
  if (unitsBefore <= 0 || cancelled <= 0) return;
  const share = (cents: number) => Math.round((cents * cancelled) / unitsBefore);
  const price = toCents(item.itemUnitPrice) * cancelled;
  const tax = share(toCents(item.itemTaxTotal ?? 0));
  const discount = share(toCents(item.itemDiscountsTotal ?? 0));
  if (item.itemTaxTotal !== undefined) item.itemTaxTotal = fromCents(toCents(item.itemTaxTotal) - tax);
  if (item.itemDiscountsTotal !== undefined) item.itemDiscountsTotal = fromCents(toCents(item.itemDiscountsTotal) - discount);
  if (order.orderSubtotal !== undefined) order.orderSubtotal = fromCents(toCents(order.orderSubtotal) - price);
  if (order.taxTotal !== undefined) order.taxTotal = fromCents(toCents(order.taxTotal) - tax);
  if (order.orderDiscount !== undefined) order.orderDiscount = fromCents(toCents(order.orderDiscount) - discount);
  if (order.orderTotal !== undefined) order.orderTotal = fromCents(toCents(order.orderTotal) - price - tax + discount);
}
