// Order totals computed the way a storefront would send them to fabric, in cents (see money.ts).
// Used to fill totals a created order omits and to keep the demo orders' payments consistent.
import { fromCents, toCents } from './money.js';

export interface TotalsItem {
  itemUnitPrice: number;
  orderedQuantity: number;
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
    subtotal += toCents(item.itemUnitPrice) * item.orderedQuantity;
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
