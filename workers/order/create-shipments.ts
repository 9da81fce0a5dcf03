import type { CallContext, FabricClient } from '../../shared/fabric/client.js';
import type { FabricShipment, ShipmentRequestBody } from '../../shared/fabric/schemas.js';

/** The shipment numbers fabric already holds for the order: packages with one of them are not shipped again. */
export async function existingShipmentNumbers(fabric: FabricClient, orderNumber: string, call: CallContext): Promise<Set<string>> {
  return shipmentNumbersOf(await fabric.searchShipments(orderNumber, call));
}

function shipmentNumbersOf(shipments: readonly FabricShipment[]): Set<string> {
  return new Set(shipments.flatMap((shipment) => (shipment.shipmentNumber === undefined ? [] : [shipment.shipmentNumber])));
}

/**
 * Creates each shipment. fabric has no idempotency key and documents no "already exists" answer for
 * create-order-shipment (201, 400, 401, 500), so when an attempt fails, or its answer is lost, the order's shipments
 * are read again: a shipment that is there now was created (by this attempt or an earlier one) and counts as done.
 */
export async function createShipments(
  fabric: FabricClient,
  orderNumber: string,
  shipments: readonly ShipmentRequestBody[],
  call: CallContext,
): Promise<void> {
  for (const shipment of shipments) {
    try {
      await fabric.createShipment(shipment, call);
    } catch (error) {
      const existing = await existingShipmentNumbers(fabric, orderNumber, call).catch(() => new Set<string>());
      if (!existing.has(shipment.shipmentNumber)) throw error;
    }
  }
}
