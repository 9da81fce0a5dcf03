import type { FastifyInstance } from 'fastify';
import { orderCompleteRequest, type OrderCompleteRequest } from '../../shared/retailops/seed-requests.js';
import type { JobPayload } from '../../shared/jobs/contract.js';
import type { IngressDeps } from '../context.js';
import { registerEnqueueWebhook } from '../webhook.js';

function text(value: string | number | null | undefined): string | null {
  return value === null || value === undefined || value === '' ? null : String(value);
}

export function toCompletePayload(input: OrderCompleteRequest): JobPayload<'order.complete'> {
  const { order } = input.data;
  return {
    refnum: order.channel_refnum,
    retailopsOrderId: order.id ?? null,
    packages: order.shipments.flatMap((shipment) =>
      shipment.packages.map((pkg) => ({
        shipmentId: shipment.id,
        packageId: pkg.id,
        carrier: text(pkg.carrier_name ?? pkg.carrier_code),
        method: text(pkg.carrier_class_name ?? pkg.class_name),
        trackingNumber: text(pkg.tracking_number),
        shippedAt: text(pkg.date_shipped),
        items: (pkg.ship_items ?? []).map((item) => ({
          sku: item.sku ?? null,
          itemRef: item.channel_item_refnum ?? item.channel_refnum ?? null,
          quantity: item.quantity && item.quantity > 0 ? item.quantity : null,
        })),
      })),
    ),
    unshippedItemRefs: order.unshipped_items_ref,
  };
}

/** POST /orders/complete (seed 000). */
export function registerOrderComplete(app: FastifyInstance, deps: IngressDeps): void {
  registerEnqueueWebhook(app, deps, {
    url: '/orders/complete',
    schema: orderCompleteRequest,
    dialect: 'handle',
    kind: 'order.complete',
    toPayload: toCompletePayload,
  });
}
