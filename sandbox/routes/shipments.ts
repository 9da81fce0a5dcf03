// fabric's create-order-shipment and shipments search. Shipment numbers are unique across the
// tenant; fabric documents 201/400/401/500 only, so a repeated number is a 400, and a caller that
// needs to know whether its shipment exists searches for it.
import type { FastifyPluginAsync } from 'fastify';
import type { SandboxContext } from '../context.js';
import { newObjectId } from '../ids.js';
import {
  applyShipment,
  shipmentAlreadyCreated,
  shipmentOrderNumber,
  shipmentRequestSchema,
  shipmentResponse,
} from '../operations/shipment.js';
import { searchShipments, shipmentSearchBodySchema, shipmentSearchQuerySchema } from '../shipment-search.js';
import { parseWith } from '../validation.js';
import { ErrorCodes, SandboxApiError } from '../errors.js';
import { trackCall } from './request-helpers.js';

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
        throw shipmentAlreadyCreated(body.shipmentNumber);
      }
      const orderNumber = shipmentOrderNumber(body);
      // fabric documents no 404 here (201/400/401/500): an unknown order is a 400 with the "does not exist" code.
      const current = ctx.state.findByNumber(orderNumber);
      if (current === undefined) throw new SandboxApiError(400, ErrorCodes.notFound, `Order ${orderNumber} not found`);
      const { order, shipment } = applyShipment(current, body, newObjectId(), ctx.nowIso());
      ctx.state.commitShipment(order, shipment.shipmentNumber);
      return reply.code(201).send(shipmentResponse(shipment, orderNumber));
    });

    // A read, like the order search: not in the ledger of mutating calls.
    app.post('/shipments/search', async (request) => {
      const query = parseWith(shipmentSearchQuerySchema, request.query, 'query');
      const body = parseWith(shipmentSearchBodySchema, request.body, 'body');
      return searchShipments(ctx.state.list(), body, query);
    });
  };
}
