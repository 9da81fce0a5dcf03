// fabric's create-order-shipment. Shipment numbers are unique across the tenant, so a repeated
// shipment (a retried bridge job) is a 409 the caller can treat as "already done".
import type { FastifyPluginAsync } from 'fastify';
import type { SandboxContext } from '../context.js';
import { alreadyExists } from '../errors.js';
import { newObjectId } from '../ids.js';
import { applyShipment, shipmentOrderNumber, shipmentRequestSchema } from '../operations/shipment.js';
import type { FabricShipmentResponse } from '../types.js';
import { parseWith } from '../validation.js';
import { requireOrderByNumber, trackCall } from './request-helpers.js';

/** The order number of an unvalidated body, so even a rejected shipment is attributed in the ledger. */
function rawOrderNumber(body: unknown): string | null {
  const cartons = (body as { cartons?: unknown } | null)?.cartons;
  if (!Array.isArray(cartons)) return null;
  const items: unknown = (cartons[0] as { items?: unknown } | undefined)?.items;
  const first: unknown = Array.isArray(items) ? items[0] : undefined;
  const orderNumber = (first as { orderNumber?: unknown } | undefined)?.orderNumber;
  return typeof orderNumber === 'string' || typeof orderNumber === 'number' ? String(orderNumber) : null;
}

export function buildShipmentRoutes(ctx: SandboxContext): FastifyPluginAsync {
  return async (app) => {
    app.post('/shipments/create-order-shipment', async (request, reply) => {
      trackCall(ctx, request, 'shipment', rawOrderNumber(request.body));
      const body = parseWith(shipmentRequestSchema, request.body, 'body');
      if (ctx.state.hasShipmentNumber(body.shipmentNumber)) {
        throw alreadyExists(`Shipment ${body.shipmentNumber} already created`);
      }
      const orderNumber = shipmentOrderNumber(body);
      const current = requireOrderByNumber(ctx, orderNumber);
      const { order, shipment } = applyShipment(current, body, newObjectId(), ctx.nowIso());
      ctx.state.commitShipment(order, shipment.shipmentNumber);
      const response: FabricShipmentResponse = {
        shipmentId: shipment.shipmentId,
        shipmentNumber: shipment.shipmentNumber,
        statusCode: 'SHIPPED',
        orderNumber,
        cartons: shipment.cartons,
      };
      return reply.code(201).send(response);
    });
  };
}
