// fabric's create-order-shipment as a pure function: ships open units of one order, all or nothing.
import { z } from 'zod';
import { invalidValue } from '../errors.js';
import { openQuantity } from '../status.js';
import type { FabricCarton, FabricOrder, FabricShipmentRecord } from '../types.js';
import { nextRevision, quantitiesByLineItem } from './revision.js';

const stringish = z.union([z.string().min(1), z.number()]).transform(String);

const shipmentItemSchema = z.looseObject({
  lineItemId: z.string().min(1),
  shippedQuantity: z.number().int().min(1),
  orderNumber: stringish,
  sku: z.string().optional(),
});

const cartonSchema = z.looseObject({
  shipmentCarrier: z.string().optional(),
  shipmentMethod: z.string().optional(),
  trackingNumber: z.string().optional(),
  trackingURL: z.string().optional(),
  items: z.array(shipmentItemSchema).min(1),
});

export const shipmentRequestSchema = z.looseObject({
  shipmentNumber: stringish,
  shippedAt: z.iso.datetime({ offset: true }).optional(),
  locationNumber: stringish.optional(),
  cartons: z.array(cartonSchema).min(1),
});

export type ShipmentRequest = z.output<typeof shipmentRequestSchema>;

/** The one order a shipment is for; create-order-shipment ships a single order. */
export function shipmentOrderNumber(request: ShipmentRequest): string {
  const numbers = new Set(request.cartons.flatMap((carton) => carton.items.map((item) => item.orderNumber)));
  const [first] = numbers;
  if (first === undefined || numbers.size > 1) {
    throw invalidValue(`A shipment must cover exactly one order, got ${[...numbers].join(', ') || 'none'}`);
  }
  return first;
}

export interface ShipmentOutcome {
  order: FabricOrder;
  shipment: FabricShipmentRecord;
}

export function applyShipment(
  current: FabricOrder,
  request: ShipmentRequest,
  shipmentId: string,
  now: string,
): ShipmentOutcome {
  const items = request.cartons.flatMap((carton) => carton.items);
  const requested = quantitiesByLineItem(items, (i) => i.lineItemId, (i) => i.shippedQuantity);
  for (const [lineItemId, quantity] of requested) {
    const item = current.items.find((candidate) => candidate.lineItemId === lineItemId);
    if (item === undefined) {
      throw invalidValue(`Line item ${lineItemId} not found on order ${current.orderNumber}`, [{ lineItemId }]);
    }
    const available = openQuantity(item);
    if (quantity > available) {
      throw invalidValue(
        `Line item ${lineItemId} has ${available} unit(s) open for shipment, ${quantity} requested`,
        [{ lineItemId, requested: quantity, available }],
      );
    }
  }

  const order = structuredClone(current);
  for (const item of order.items) item.shippedQuantity += requested.get(item.lineItemId) ?? 0;

  const cartons: FabricCarton[] = structuredClone(request.cartons);
  const shipment: FabricShipmentRecord = {
    shipmentId,
    shipmentNumber: request.shipmentNumber,
    shippedAt: request.shippedAt ?? now,
    ...(request.locationNumber === undefined ? {} : { locationNumber: request.locationNumber }),
    cartons,
  };
  order.shipments.push(shipment);
  return { order: nextRevision(order, now), shipment };
}
