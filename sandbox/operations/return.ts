// fabric's submit-return-request action as a pure function: only shipped, not yet returned units
// can come back, each from the shipment line it names (fabric requires scannedAt, shipmentId and
// shipmentLineId on every item); refunds default to unit price × quantity, summed in cents.
import { z } from 'zod';
import { invalidValue } from '../errors.js';
import { lineAmount, sumAmounts } from '../money.js';
import { returnableBalance } from '../status.js';
import type { FabricReturnRecord, FabricReturnResponse, FabricShipmentItem, StoredOrder } from '../types.js';
import { nextRevision, quantitiesByLineItem } from './revision.js';

const amount = z.number().finite().min(0);

const returnItemSchema = z.looseObject({
  orderLineItemId: z.string().min(1),
  quantity: z.number().int().min(1),
  returnType: z.enum(['PENDING', 'PROCESSING', 'REJECTED', 'RECEIVED']),
  refundAmount: amount.optional(),
  reasonCode: z.string().optional(),
  scannedAt: z.iso.datetime({ offset: true }),
  shipmentId: z.string().min(1),
  shipmentLineId: z.string().min(1),
});

export const returnRequestSchema = z.looseObject({
  source: z.string().min(1),
  items: z.array(returnItemSchema).min(1),
  reasonCode: z.string().optional(),
  totalRefundAmount: amount.optional(),
  attributes: z.record(z.string(), z.unknown()).optional(),
});

export type ReturnRequest = z.output<typeof returnRequestSchema>;

export interface ReturnOutcome {
  order: StoredOrder;
  response: FabricReturnResponse;
}

/** The shipment line a return item names, or a 400 that says which part of the reference is wrong. */
function shipmentLine(order: StoredOrder, item: ReturnRequest['items'][number]): FabricShipmentItem {
  const shipment = order.shipments.find((candidate) => candidate.shipmentId === item.shipmentId);
  if (shipment === undefined) {
    throw invalidValue(`Shipment ${item.shipmentId} not found on order ${order.orderNumber}`, [{ shipmentId: item.shipmentId }]);
  }
  const line = shipment.cartons.flatMap((carton) => carton.items).find((candidate) => candidate.shipmentLineItemId === item.shipmentLineId);
  if (line === undefined || line.lineItemId !== item.orderLineItemId) {
    throw invalidValue(
      `Shipment ${item.shipmentId} has no line ${item.shipmentLineId} for line item ${item.orderLineItemId}`,
      [{ shipmentId: item.shipmentId, shipmentLineId: item.shipmentLineId, lineItemId: item.orderLineItemId }],
    );
  }
  return line;
}

function assertReturnable(order: StoredOrder, request: ReturnRequest): void {
  const requested = quantitiesByLineItem(request.items, (i) => i.orderLineItemId, (i) => i.quantity);
  for (const [lineItemId, quantity] of requested) {
    const item = order.items.find((candidate) => candidate.lineItemId === lineItemId);
    if (item === undefined) {
      throw invalidValue(`Line item ${lineItemId} not found on order ${order.orderNumber}`, [{ lineItemId }]);
    }
    const available = returnableBalance(item);
    if (quantity > available) {
      throw invalidValue(
        `Line item ${lineItemId} has ${available} returnable unit(s), ${quantity} requested`,
        [{ lineItemId, requested: quantity, available }],
      );
    }
  }
  // Units come back from the shipment that sent them: no more than that shipment line shipped and has not had back.
  const byShipmentLine = quantitiesByLineItem(request.items, (i) => `${i.shipmentId}\u0000${i.shipmentLineId}`, (i) => i.quantity);
  for (const item of request.items) {
    const line = shipmentLine(order, item);
    const quantity = byShipmentLine.get(`${item.shipmentId}\u0000${item.shipmentLineId}`) ?? 0;
    const available = line.shippedQuantity - line.returnQuantity;
    if (quantity > available) {
      throw invalidValue(
        `Shipment ${item.shipmentId} line ${item.shipmentLineId} has ${available} returnable unit(s), ${quantity} requested`,
        [{ shipmentId: item.shipmentId, shipmentLineId: item.shipmentLineId, requested: quantity, available }],
      );
    }
  }
}

export function applyReturn(current: StoredOrder, request: ReturnRequest, now: string): ReturnOutcome {
  assertReturnable(current, request);
  const order = structuredClone(current);

  const lines = request.items.map((requested) => {
    // assertReturnable guarantees the item exists.
    const item = order.items.find((candidate) => candidate.lineItemId === requested.orderLineItemId)!;
    item.returnedQuantity += requested.quantity;
    shipmentLine(order, requested).returnQuantity += requested.quantity;
    return {
      lineItemId: item.lineItemId,
      returnQuantity: requested.quantity,
      refundAmount: requested.refundAmount ?? lineAmount(item.itemUnitPrice, requested.quantity),
    };
  });
  const totalRefundAmount = request.totalRefundAmount ?? sumAmounts(lines.map((line) => line.refundAmount));

  const record: FabricReturnRecord = {
    returnCounter: order.returns.length + 1,
    totalRefundAmount,
    attributes: request.attributes ?? {},
    items: lines,
    createdAt: now,
  };
  order.returns.push(record);

  return {
    order: nextRevision(order, now),
    response: {
      refundStatus: 'REFUND_PENDING',
      totalRefundAmount,
      items: lines.map((line) => ({ ...line, returnStatus: 'VALID' as const })),
    },
  };
}
