// Turns a validated create-order body into a stored order: fills what fabric itself would assign
// (ids, line numbers, zero quantities, version, timestamps, totals) and derives the status.
import { createHash } from 'node:crypto';
import { invalidValue } from './errors.js';
import { newLineItemId, newObjectId } from './ids.js';
import { initialShipment } from './operations/shipment.js';
import type { ParsedOrderInput } from './order-input.js';
import { applyDerivedStatus } from './status.js';
import { computeOrderTotals } from './totals.js';
import type { FabricOrderItem, StoredOrder } from './types.js';

export interface OrderDefaults {
  now: string;
  /** Channel of the creating request (x-fabric-channel-id); fabric's default channel is "12". */
  channelId: string;
}

/**
 * fabric's order requires a ship-to on every order and line (orders.orderResponse: shipInfo minItems 1, item
 * shipToId); an order created without one ships to a single unnamed ship-to, as a one-address order does.
 */
function buildShipInfo(input: ParsedOrderInput): Record<string, unknown>[] {
  const shipInfo = input.shipInfo.length > 0 ? input.shipInfo : [{}];
  return shipInfo.map((shipTo, index) => ({
    ...shipTo,
    shipToId: typeof shipTo['shipToId'] === 'string' ? shipTo['shipToId'] : `st-${input.orderNumber}-${index + 1}`,
  }));
}

/** fabric's itemId is the product's numeric PIM id (int32); a numeric sku stands for it, else the line number. */
function itemIdOf(raw: ParsedOrderInput['items'][number], lineItemNumber: number): number {
  if (typeof raw['itemId'] === 'number') return raw['itemId'];
  return /^\d{1,9}$/.test(raw.sku) ? Number(raw.sku) : lineItemNumber;
}

function buildItems(input: ParsedOrderInput, shipToId: string): FabricOrderItem[] {
  const seen = new Set<string>();
  return input.items.map((raw, index) => {
    const lineItemId = raw.lineItemId ?? newLineItemId();
    if (seen.has(lineItemId)) throw invalidValue(`Duplicate lineItemId ${lineItemId}`);
    seen.add(lineItemId);
    const lineItemNumber = raw.lineItemNumber ?? index + 1;
    const item: FabricOrderItem = {
      shipToId,
      ...raw,
      itemId: itemIdOf(raw, lineItemNumber),
      lineItemId,
      lineItemNumber,
      sku: raw.sku,
      itemUnitPrice: raw.itemUnitPrice,
      orderedQuantity: raw.orderedQuantity,
      cancelledQuantity: raw.cancelledQuantity,
      shippedQuantity: raw.shippedQuantity,
      returnedQuantity: raw.returnedQuantity,
      // Placeholders: applyDerivedStatus() below fills both from the quantities.
      quantityInStatus: emptyStatus(),
      lineOrderStatus: '',
    };
    return item;
  });
}

function emptyStatus(): FabricOrderItem['quantityInStatus'] {
  return { created: 0, pendingShipped: 0, shipped: 0, returned: 0, cancelled: 0, hold: 0, delivered: 0 };
}

/** Derived from the order id, so the demo orders' shipment is the same after every reset (tests can compare calls). */
function initialShipmentId(orderId: string): string {
  return createHash('sha256').update(`shipment:${orderId}`).digest('hex').slice(0, 24);
}

export function buildOrder(input: ParsedOrderInput, defaults: OrderDefaults): StoredOrder {
  const shipInfo = buildShipInfo(input);
  const items = buildItems(input, String(shipInfo[0]?.['shipToId']));
  const computed = computeOrderTotals(items, input.shipInfo);
  const createdAt = input.createdAt ?? defaults.now;
  // The sandbox's hold period is zero (sandbox/hold.ts): only an order created in a hold status waits for release.
  const { statusCode: hold, orderReleasedAt, ...rest } = input;
  const order: StoredOrder = {
    ...rest,
    orderId: input.orderId ?? newObjectId(),
    orderNumber: input.orderNumber,
    statusCode: hold ?? 'ORDER_CREATED',
    ...(hold === undefined ? { orderReleasedAt: orderReleasedAt ?? createdAt } : {}),
    channelId: input.channelId ?? defaults.channelId,
    currency: input.currency ?? 'USD',
    createdAt,
    orderedAt: input.orderedAt ?? createdAt,
    updatedAt: input.updatedAt ?? createdAt,
    version: 1,
    items,
    shipInfo,
    payments: input.payments,
    orderSubtotal: input.orderSubtotal ?? computed.orderSubtotal,
    taxTotal: input.taxTotal ?? computed.taxTotal,
    orderDiscount: input.orderDiscount ?? computed.orderDiscount,
    feeTotal: input.feeTotal ?? computed.feeTotal,
    orderTotal: input.orderTotal ?? computed.orderTotal,
    attributes: input.attributes,
    // Returns and shipments only come from the action endpoints (anything a caller sends here is
    // ignored), except the shipment that units created as already shipped must have come from.
    returns: [],
    shipments: [],
  };
  const shipment = initialShipment(order, initialShipmentId(order.orderId));
  if (shipment !== null) order.shipments.push(shipment);
  return applyDerivedStatus(order);
}
