// Turns a validated create-order body into a stored order: fills what fabric itself would assign
// (ids, line numbers, zero quantities, version, timestamps, totals) and derives the status.
import { invalidValue } from './errors.js';
import { newLineItemId, newObjectId } from './ids.js';
import type { ParsedOrderInput } from './order-input.js';
import { applyDerivedStatus } from './status.js';
import { computeOrderTotals } from './totals.js';
import type { FabricOrder, FabricOrderItem } from './types.js';

export interface OrderDefaults {
  now: string;
  /** Channel of the creating request (x-fabric-channel-id); fabric's default channel is "12". */
  channelId: string;
}

function buildItems(input: ParsedOrderInput): FabricOrderItem[] {
  const seen = new Set<string>();
  return input.items.map((raw, index) => {
    const lineItemId = raw.lineItemId ?? newLineItemId();
    if (seen.has(lineItemId)) throw invalidValue(`Duplicate lineItemId ${lineItemId}`);
    seen.add(lineItemId);
    const item: FabricOrderItem = {
      ...raw,
      lineItemId,
      lineItemNumber: raw.lineItemNumber ?? index + 1,
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

export function buildOrder(input: ParsedOrderInput, defaults: OrderDefaults): FabricOrder {
  const items = buildItems(input);
  const computed = computeOrderTotals(items, input.shipInfo);
  const createdAt = input.createdAt ?? defaults.now;
  const order: FabricOrder = {
    ...input,
    orderId: input.orderId ?? newObjectId(),
    orderNumber: input.orderNumber,
    statusCode: 'ORDER_CREATED',
    channelId: input.channelId ?? defaults.channelId,
    currency: input.currency ?? 'USD',
    createdAt,
    orderedAt: input.orderedAt ?? createdAt,
    updatedAt: input.updatedAt ?? createdAt,
    version: 1,
    items,
    shipInfo: input.shipInfo,
    payments: input.payments,
    orderSubtotal: input.orderSubtotal ?? computed.orderSubtotal,
    taxTotal: input.taxTotal ?? computed.taxTotal,
    orderDiscount: input.orderDiscount ?? computed.orderDiscount,
    feeTotal: input.feeTotal ?? computed.feeTotal,
    orderTotal: input.orderTotal ?? computed.orderTotal,
    attributes: input.attributes,
    // Returns and shipments only come from the action endpoints, which also keep the
    // shipment-number index in step; anything a caller sends here is ignored.
    returns: [],
    shipments: [],
  };
  return applyDerivedStatus(order);
}
