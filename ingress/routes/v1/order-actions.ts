// The v1 order actions that are one job each, on the same job kinds as the seed routes: a v1 cancel and a seed
// cancel of the same order are the same kind of job, deduplicated and processed alike. `status: "success"` means
// accepted for processing; what fails later arrives as events, as on the seed routes.
import type { FastifyInstance } from 'fastify';
import type { JobPayload } from '../../../shared/jobs/contract.js';
import {
  orderCancelV1Request,
  orderCompleteV1Request,
  orderReturnedV1Request,
  orderShipmentSubmitV1Request,
  type OrderCancelV1Request,
  type OrderCompleteV1Request,
  type OrderReturnedV1Request,
  type OrderShipmentSubmitV1Request,
  type V1Shipment,
} from '../../../shared/retailops/v1-requests.js';
import type { IngressDeps } from '../../context.js';
import { v1Credentials } from '../../credentials.js';
import { registerEnqueueWebhook } from '../../webhook.js';

export function toCancelPayloadV1(input: OrderCancelV1Request): JobPayload<'cancel'> {
  return { refnum: input.order.channel_order_refnum, retailopsOrderId: input.order.retailops_order_id ?? null };
}

function toPackages(shipments: readonly V1Shipment[]): JobPayload<'order.shipment'>['packages'] {
  return shipments.flatMap((shipment) =>
    shipment.packages.map((pkg) => ({
      shipmentId: shipment.retailops_shipment_id,
      packageId: pkg.retailops_package_id,
      carrier: pkg.carrier_name || null,
      method: pkg.carrier_class_name || pkg.channel_ship_code || null,
      trackingNumber: pkg.tracking_number || null,
      shippedAt: pkg.date_shipped || null,
      items: pkg.package_items.map((item) => ({
        sku: item.sku ?? null,
        itemRef: item.channel_item_refnum ?? null,
        quantity: item.quantity && item.quantity > 0 ? item.quantity : null,
      })),
    })),
  );
}

export function toCompletePayloadV1(input: OrderCompleteV1Request): JobPayload<'order.complete'> {
  return {
    refnum: input.order.channel_order_refnum,
    retailopsOrderId: input.order.retailops_order_id ?? null,
    packages: toPackages(input.order.shipments),
    unshippedItemRefs: input.order.unshipped_items.flatMap((item) => {
      const ref = item.channel_item_refnum ?? item.sku;
      return ref && item.unshipped_quantity !== 0 ? [ref] : [];
    }),
  };
}

export function toShipmentPayloadV1(input: OrderShipmentSubmitV1Request): JobPayload<'order.shipment'> {
  return { refnum: input.channel_order_refnum, retailopsOrderId: input.retailops_order_id ?? null, packages: toPackages([input.shipment]) };
}

export function toReturnPayloadV1(input: OrderReturnedV1Request): JobPayload<'return'> {
  const ret = input.return;
  return {
    refnum: input.order.channel_order_refnum,
    returnId: ret.retailops_return_id,
    items: ret.items.map((item) => ({ sku: item.sku, quantity: item.quantity, refundAmount: item.credit_amt ?? null })),
    totalRefundAmount: ret.refund_amt ?? null,
    reason: ret.items.find((item) => item.reason)?.reason ?? ret.refund_action ?? null,
  };
}

const accepted = () => ({ status: 'success' });

export function registerOrderActionsV1(app: FastifyInstance, deps: IngressDeps): void {
  const common = { dialect: 'v1', credentials: v1Credentials } as const;
  registerEnqueueWebhook(app, deps, { ...common, url: '/order_cancel_v1', schema: orderCancelV1Request, kind: 'cancel', toPayload: toCancelPayloadV1, fields: accepted });
  registerEnqueueWebhook(app, deps, {
    ...common,
    url: '/order_complete_v1',
    schema: orderCompleteV1Request,
    kind: 'order.complete',
    toPayload: toCompletePayloadV1,
    fields: accepted,
  });
  registerEnqueueWebhook(app, deps, {
    ...common,
    url: '/order_shipment_submit_v1',
    schema: orderShipmentSubmitV1Request,
    kind: 'order.shipment',
    toPayload: toShipmentPayloadV1,
  });
  // No store credit is issued: fabric refunds a return to the order's payments.
  registerEnqueueWebhook(app, deps, {
    ...common,
    url: '/order_returned_v1',
    schema: orderReturnedV1Request,
    kind: 'return',
    toPayload: toReturnPayloadV1,
    fields: () => ({ return: { channel_store_credit_amount: 0 } }),
  });
}
