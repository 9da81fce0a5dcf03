// fabric's create-order-shipment as a pure function: ships open units of one order, all or nothing.
// The order keeps its shipments (fabric keeps them in its Shipments service) so that returns can be
// checked against the shipment lines they name.
import { z } from 'zod';
import { ErrorCodes, invalidValue, SandboxApiError } from '../errors.js';
import { openBalance } from '../status.js';
import type { FabricCarton, FabricShipmentRecord, FabricShipmentResponse, StoredOrder } from '../types.js';
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
  order: StoredOrder;
  shipment: FabricShipmentRecord;
}

export function applyShipment(
  current: StoredOrder,
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
    const available = openBalance(item);
    if (quantity > available) {
      throw invalidValue(
        `Line item ${lineItemId} has ${available} unit(s) open for shipment, ${quantity} requested`,
        [{ lineItemId, requested: quantity, available }],
      );
    }
  }

  const order = structuredClone(current);
  for (const item of order.items) item.shippedQuantity += requested.get(item.lineItemId) ?? 0;

  const shipment = shipmentRecord(shipmentId, request.shipmentNumber, request.shippedAt ?? now, now, withLineIds(request.cartons), request.locationNumber);
  order.shipments.push(shipment);
  return { order: nextRevision(order, now), shipment };
}

/**
 * fabric documents no 409 for create-order-shipment (201, 400, 401, 500), so a shipment number already used is a
 * 400 with fabric's "already created" code; a caller learns what exists by reading the shipments, not from this.
 */
export const shipmentAlreadyCreated = (shipmentNumber: string): SandboxApiError =>
  new SandboxApiError(400, ErrorCodes.alreadyExists, `Shipment ${shipmentNumber} already created`);

/**
 * fabric numbers the lines of a shipment itself: the create request has no shipment line id to send. Nothing has
 * come back from a new shipment, whatever the request says (`returned` is for units created as already returned).
 */
function withLineIds(cartons: readonly ShipmentRequest['cartons'][number][], returned: (lineItemId: string) => number = () => 0): FabricCarton[] {
  let line = 0;
  return cartons.map((carton) => ({
    ...structuredClone(carton),
    items: carton.items.map((item) => {
      line += 1;
      return { ...structuredClone(item), shipmentLineItemId: String(line), returnQuantity: returned(item.lineItemId) };
    }),
  }));
}

function shipmentRecord(
  shipmentId: string,
  shipmentNumber: string,
  shippedAt: string,
  now: string,
  cartons: FabricCarton[],
  locationNumber: string | undefined,
): FabricShipmentRecord {
  return {
    shipmentId,
    shipmentNumber,
    shippedAt,
    createdAt: now,
    updatedAt: now,
    version: 1,
    ...(locationNumber === undefined ? {} : { locationNumber }),
    cartons,
  };
}

/**
 * Units an order was created with as already shipped (the demo order 496's line 7395) came from a shipment in
 * fabric: without one, a return could not name the shipment and shipment line it takes them from.
 */
export function initialShipment(order: StoredOrder, shipmentId: string): FabricShipmentRecord | null {
  const shipped = order.items.filter((item) => item.shippedQuantity > 0);
  if (shipped.length === 0) return null;
  const items = shipped.map((item) => ({ lineItemId: item.lineItemId, shippedQuantity: item.shippedQuantity, orderNumber: order.orderNumber, sku: item.sku }));
  const returned = (lineItemId: string) => shipped.find((item) => item.lineItemId === lineItemId)?.returnedQuantity ?? 0;
  return shipmentRecord(shipmentId, `${order.orderNumber}-S1`, order.createdAt, order.createdAt, withLineIds([{ items }], returned), undefined);
}

/** A stored shipment as fabric's shipmentResponse shows it. */
export function shipmentResponse(shipment: FabricShipmentRecord, orderNumber: string): FabricShipmentResponse {
  return { ...structuredClone(shipment), statusCode: 'SHIPMENT_CREATED', type: 'STANDARD', orderNumbers: [orderNumber] };
}
