import type { CallContext, FabricClient } from '../../shared/fabric/client.js';
import type { ShipmentRequestBody } from '../../shared/fabric/schemas.js';
import { isAlreadyCreated } from '../fabric-outcomes.js';

/** Creates each shipment; one fabric already has (a retry after a lost response) counts as done. */
export async function createShipments(fabric: FabricClient, shipments: readonly ShipmentRequestBody[], call: CallContext): Promise<void> {
  for (const shipment of shipments) {
    try {
      await fabric.createShipment(shipment, call);
    } catch (error) {
      if (!isAlreadyCreated(error)) throw error;
    }
  }
}
