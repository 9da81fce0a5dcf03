// When RetailOPS may see a fabric order. Source: fabric's Orders v3 OpenAPI (fabric-orders-openapi.yml,
// api-evangelist/fabric-com 874ea27):
//
// - `orderResponse.orderReleasedAt`: "When an order is placed, its status is On Hold by default and the duration of
//   hold may vary from merchant to merchant (~1 min). After the hold period, the order is released from hold."
// - `orderResponse.statusCode`: "There are no pre-defined values; possible values are … ORDER_HOLD_EXTERNAL ("Order on
//   Hold") etc."
// - `POST /orders/order-number/{orderNumber}/actions/fraud-release` ("Release Fraud Order"): an order "suspected to
//   be fraudulent … is immediately placed on hold for verification"; this releases it. `…/actions/fraud-cancel`
//   cancels it instead.
//
// The spec names no fraud hold status code, and says status codes are open-ended, so a hold is recognised by its
// name (any status with HOLD or FRAUD in it) rather than from a list. An order still ORDER_CREATED without
// orderReleasedAt is in fabric's default hold. A later status (allocated, shipped…) only follows release, so an
// order that reached one is not held even if its orderReleasedAt is missing. A held order must not reach RetailOPS,
// which would ship it: the sync keeps it aside until fabric releases or cancels it.
import type { FabricOrder } from './schemas.js';

const HOLD_STATUS = /HOLD|FRAUD/;

export function isHeld(order: Pick<FabricOrder, 'statusCode' | 'orderReleasedAt'>): boolean {
  if (HOLD_STATUS.test(order.statusCode)) return true;
  return order.statusCode === 'ORDER_CREATED' && (order.orderReleasedAt === undefined || order.orderReleasedAt === '');
}

export function isCancelled(order: Pick<FabricOrder, 'statusCode'>): boolean {
  return order.statusCode === 'ORDER_CANCELLED';
}
