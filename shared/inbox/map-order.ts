import type { FabricAddress, FabricItem, FabricOrder } from '../fabric/schemas.js';
import type { ChannelAddress, ChannelItem, ChannelOrder, ChannelPayment } from './channel-order.js';
import { fromMinor, toMinor } from '../money.js';
import { isV1Currency } from '../retailops/v1-currencies.js';
import { activeQuantity } from '../fabric/order-lines.js';

/**
 * An order the bridge will not offer RetailOPS: its amounts do not add up to fabric's orderTotal in a dialect, or its
 * currency cannot be carried. The sync withholds it (a skipped record, a metric, a warning event) instead of sending
 * money RetailOPS would settle wrongly; docs/order-mapping.md lists the rules.
 */
export class OrderWithheldError extends Error {
  override readonly name = 'OrderWithheldError';
  constructor(readonly reasons: readonly string[]) {
    super(`withheld: ${reasons.join('; ')}`);
  }
}

function address(source: FabricAddress | undefined, company: string): ChannelAddress {
  return {
    firstName: source?.name?.firstName ?? '',
    lastName: source?.name?.lastName ?? '',
    company,
    line1: source?.addressLine1 ?? '',
    line2: source?.addressLine2 ?? '',
    line3: source?.addressLine3 ?? '',
    line4: source?.addressLine4 ?? '',
    city: source?.city ?? '',
    region: source?.region ?? '',
    postalCode: source?.postalCode ?? '',
    countryCode: (source?.countryCode ?? '').toUpperCase(),
    phone: source?.phone?.number ?? '',
  };
}

function text(value: unknown): string {
  return typeof value === 'string' ? value : '';
}

/**
 * fabric's examples carry the gift message as `"[]"`, a serialised empty list (orders spec, shipInfo attributes): a
 * list is rendered as its lines, an empty one as no message; anything else is the message itself.
 */
export function giftMessageText(value: unknown): string {
  const lines = (list: unknown[]) => list.filter((entry): entry is string => typeof entry === 'string' && entry.trim() !== '').join('\n');
  if (Array.isArray(value)) return lines(value);
  if (typeof value !== 'string') return '';
  const trimmed = value.trim();
  if (trimmed.startsWith('[') && trimmed.endsWith(']')) {
    try {
      const parsed: unknown = JSON.parse(trimmed);
      if (Array.isArray(parsed)) return lines(parsed);
    } catch {
      // Not JSON: a message that happens to be bracketed is still the customer's text.
    }
  }
  return trimmed;
}

/** fabric names gift cards and store credit as payment methods (orders spec: credit type GIFT_CARD). */
function paymentKind(method: string, paymentType: string): ChannelPayment['kind'] {
  const name = `${method} ${paymentType}`.toUpperCase();
  if (/GIFT_?CARD|GIFTCARD|GIFT_?CERT/.test(name)) return 'giftcard';
  if (/STORE_?CREDIT|CREDIT_?NOTE/.test(name)) return 'storecredit';
  return 'card';
}

type ShipTo = FabricOrder['shipInfo'][number];

/**
 * v1's item_type (order_pull_v1: "Use 'advisory' for items which are non-shippable or have already been shipped. Use
 * 'instore' for items which have been purchased in a physical store"). fabric names pickups in the item `type`
 * (WEB_PICKUP) or the ship-to's `shipToType`; both are free text in the spec, so they are matched by name.
 */
function itemKind(item: FabricItem, shipTo: ShipTo | undefined, quantity: number): ChannelItem['kind'] {
  const kinds = `${item.type ?? ''} ${item.itemSubtype ?? ''} ${shipTo?.shipToType ?? ''}`.toUpperCase();
  if (/\bPOS\b|IN_?STORE/.test(kinds)) return 'instore';
  if (/PICKUP|BOPIS|BOPS|CURBSIDE/.test(kinds)) return 'advisory';
  if (/GIFT_?CARD|E_?GIFT|DIGITAL|VIRTUAL/.test(kinds)) return 'advisory';
  if (item.shippedQuantity >= quantity) return 'advisory';
  return 'ship';
}

const minor = (value: number | undefined): bigint => toMinor(value ?? 0);
const sum = (values: readonly bigint[]): bigint => values.reduce((total, value) => total + value, 0n);

/**
 * fabric order → the inbox's channel order. Amounts become decimal strings here, the one place fabric's are read, and
 * are split so that each dialect's fields add up to fabric's orderTotal to the cent (docs/order-mapping.md). Throws
 * OrderWithheldError when they cannot; an order fabric cancelled is exempt, since it is offered only so that RetailOPS
 * cancels it, and its amounts are not settled.
 */
export function toChannelOrder(order: FabricOrder): ChannelOrder {
  const withheld: string[] = [];
  const cancelled = order.statusCode === 'ORDER_CANCELLED';
  const shipInfoById = new Map(order.shipInfo.map((info) => [info.shipToId ?? '', info]));
  const lines = order.items.map((item) => ({ item, quantity: activeQuantity(item), shipTo: shipInfoById.get(item.shipToId ?? '') }));
  const open = lines.filter((line) => line.quantity > 0);
  // The address RetailOPS ships to: the first ship-to that still holds an item (neither dialect has one per item).
  const usedShipTos = [...new Set(open.map((line) => line.shipTo).filter((info): info is ShipTo => info !== undefined))];
  const shipTo = usedShipTos[0] ?? order.shipInfo[0];
  const company = order.customer?.company ?? '';
  const billTo = order.payments.find((payment) => payment.billToAddress)?.billToAddress ?? shipTo?.shipToAddress;
  const created = Date.parse(order.orderedAt ?? order.createdAt ?? '');

  const currency = (order.currency ?? '').toUpperCase();
  if (currency === '') withheld.push('fabric states no currency for the order');
  else if (!isV1Currency(currency)) withheld.push(`currency ${currency} is outside the SDK's currency_code enum`);

  const items: ChannelItem[] = open.map(({ item, quantity, shipTo: itemShipTo }) => {
    const tax = minor(item.itemTaxTotal);
    // Truncated to the cent (bigint division; rounded down for any tax that is not negative): the remainder, below one
    // cent per unit, is not lost but goes to the order-level tax, which the SDK defines as what item values leave out.
    const unitTax = tax / BigInt(quantity);
    return {
      ref: item.lineItemId,
      sku: item.sku,
      title: item.itemName ?? item.sku,
      quantity,
      unitPrice: fromMinor(minor(item.itemUnitPrice)),
      unitTax: fromMinor(unitTax),
      taxTotal: fromMinor(tax),
      discountTotal: fromMinor(minor(item.itemDiscountsTotal)),
      feeTotal: fromMinor(minor(item.itemFeeTotal)),
      kind: itemKind(item, itemShipTo, quantity),
    };
  });
  // A line fabric cancelled in full still counting money is an order fabric has not recalculated.
  for (const { item } of lines.filter((line) => line.quantity === 0)) {
    if (minor(item.itemTaxTotal) !== 0n || minor(item.itemDiscountsTotal) !== 0n || minor(item.itemFeeTotal) !== 0n) {
      withheld.push(`line ${item.lineItemId} has no units left but still carries tax, discount or fee`);
    }
  }

  const itemsGross = sum(items.map((item) => toMinor(item.unitPrice) * BigInt(item.quantity)));
  const unitTaxes = sum(items.map((item) => toMinor(item.unitTax) * BigInt(item.quantity)));
  const itemDiscounts = sum(items.map((item) => toMinor(item.discountTotal)));
  const itemFees = sum(items.map((item) => toMinor(item.feeTotal)));
  const shipping = sum(order.shipInfo.map((info) => minor(info.shipToPrice)));
  const shippingDiscount = sum(order.shipInfo.map((info) => minor(info.shipToDiscount)));
  const taxTotal = minor(order.taxTotal);
  // fabric's orderDiscount is the sum of the items' discounts plus the order's own (orders spec: "Order discount =
  // summationOfAll(itemDiscountTotal)"); the part beyond the items is the order-level discount.
  const orderDiscount = minor(order.orderDiscount);
  const feeTotal = minor(order.feeTotal);
  const orderLevelTax = taxTotal - unitTaxes;
  const orderLevelDiscount = orderDiscount - itemDiscounts + shippingDiscount;

  if (!cancelled) {
    if (order.orderTotal === undefined) withheld.push('fabric states no orderTotal to reconcile with');
    const grand = minor(order.orderTotal);
    const rendered = itemsGross + shipping + taxTotal + feeTotal - orderDiscount - shippingDiscount;
    if (order.orderTotal !== undefined && rendered !== grand) {
      withheld.push(
        `items ${fromMinor(itemsGross)} + shipping ${fromMinor(shipping)} + tax ${fromMinor(taxTotal)} + fees ${fromMinor(feeTotal)} − discounts ` +
          `${fromMinor(orderDiscount + shippingDiscount)} = ${fromMinor(rendered)}, not fabric's orderTotal ${fromMinor(grand)}`,
      );
    }
    if (orderDiscount < itemDiscounts) withheld.push(`orderDiscount ${fromMinor(orderDiscount)} is less than the items' discounts ${fromMinor(itemDiscounts)}`);
    if (orderLevelTax < 0n) withheld.push(`taxTotal ${fromMinor(taxTotal)} is less than the items' tax ${fromMinor(unitTaxes)}`);
    // The v1 order has no fee field; item fees travel on the items (recycling_amt), fees on no item have no home.
    if (feeTotal !== itemFees) withheld.push(`feeTotal ${fromMinor(feeTotal)} differs from the items' fees ${fromMinor(itemFees)}: v1 has no order-level fee field`);
  }

  const payments: ChannelPayment[] = order.payments.map((payment) => {
    const method = payment.paymentMethod ?? '';
    const paymentType = payment.paymentToken?.paymentType ?? method;
    const captured = minor(payment.chargedAmount);
    const authorized = minor(payment.authorizedAmount);
    return {
      method,
      paymentType,
      provider: payment.paymentProvider ?? '',
      kind: paymentKind(method, paymentType),
      captured: fromMinor(captured),
      authorizedOpen: fromMinor(authorized > captured ? authorized - captured : 0n),
    };
  });
  // fabric records no payment on some orders (paid outside it): those are sent without transactions.
  const paid = sum(payments.map((payment) => toMinor(payment.captured) + toMinor(payment.authorizedOpen)));
  if (!cancelled && payments.length > 0 && order.orderTotal !== undefined && paid < minor(order.orderTotal)) {
    withheld.push(`payments authorise ${fromMinor(paid)}, less than fabric's orderTotal ${fromMinor(minor(order.orderTotal))}`);
  }
  if (withheld.length > 0) throw new OrderWithheldError(withheld);

  return {
    refnum: order.orderNumber,
    // The spec does not require orderId; the order number is the key RetailOPS and the bridge use.
    fabricOrderId: order.orderId ?? '',
    status: order.statusCode,
    createdAt: new Date(Number.isNaN(created) ? 0 : created).toISOString(),
    currency,
    grandTotal: fromMinor(minor(order.orderTotal)),
    shippingTotal: fromMinor(shipping),
    taxTotal: fromMinor(taxTotal),
    discountTotal: fromMinor(orderDiscount + shippingDiscount),
    shippingDiscount: fromMinor(shippingDiscount),
    orderLevelDiscount: fromMinor(orderLevelDiscount),
    orderLevelTax: fromMinor(orderLevelTax),
    feeTotal: fromMinor(feeTotal),
    giftMessage: giftMessageText(shipTo?.attributes?.['giftMessage']) || giftMessageText(order.attributes['giftMessage']),
    ipAddress: text(order.attributes['ipAddress']),
    shipMethod: shipTo?.shipMethod ?? '',
    billTo: address(billTo, company),
    shipTo: address(shipTo?.shipToAddress, company),
    shipToCount: Math.max(usedShipTos.length, 1),
    customer: {
      email: order.customer?.email ?? shipTo?.shipToAddress?.email ?? '',
      phone: order.customer?.phone?.number ?? '',
      firstName: order.customer?.name?.firstName ?? '',
      lastName: order.customer?.name?.lastName ?? '',
    },
    payments,
    items,
  };
}
