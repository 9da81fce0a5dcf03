// fabric's order hold, as its Orders v3 spec describes it (fabric-orders-openapi.yml): "When an order is placed, its
// status is On Hold by default … After the hold period, the order is released from hold" (`orderReleasedAt`); a
// status ORDER_HOLD_EXTERNAL ("Order on Hold"); and an order "suspected to be fraudulent … is immediately placed on
// hold", left by POST …/actions/fraud-release (200, `apiResponse` {message}) or cancelled by …/actions/fraud-cancel.
//
// The sandbox's hold period is zero: an order created without a hold is released at creation (orderReleasedAt =
// createdAt), so tests and demos that create orders see them offered at once, as they would a minute later in
// fabric. An order created with statusCode ORDER_HOLD_EXTERNAL or ORDER_HOLD_FRAUD (the spec names no fraud code;
// this one is the sandbox's) stays held, without orderReleasedAt, until released. fraud-release releases a fraud hold
// only: the spec releases an external hold through update-status (RELEASE_HOLD_EXTERNAL), which the sandbox does not
// serve, so the /_sandbox release hook stands in for it (and for the end of a hold period).
import { invalidValue } from './errors.js';
import { nextRevision } from './operations/revision.js';
import { isHoldStatus } from './status.js';
import type { StoredOrder } from './types.js';

export const HOLD_STATUSES = ['ORDER_HOLD_EXTERNAL', 'ORDER_HOLD_FRAUD'] as const;
export type HoldStatus = (typeof HOLD_STATUSES)[number];

/**
 * Releases a held order: orderReleasedAt set, status derived from the items again. `fraud` (fabric's fraud-release)
 * releases a fraud hold only; `any` (the sandbox's own hook) releases either kind.
 */
export function applyRelease(current: StoredOrder, now: string, kind: 'fraud' | 'any'): StoredOrder {
  if (!isHoldStatus(current.statusCode) || current.orderReleasedAt !== undefined) {
    throw invalidValue(`Order ${current.orderNumber} is not on hold`);
  }
  if (kind === 'fraud' && current.statusCode !== 'ORDER_HOLD_FRAUD') {
    throw invalidValue(`Order ${current.orderNumber} is not on a fraud hold (${current.statusCode})`);
  }
  const order = structuredClone(current);
  order.orderReleasedAt = now;
  // Status is derived only once the release is recorded, so the hold status gives way to the items' status.
  order.statusCode = 'ORDER_CREATED';
  return nextRevision(order, now);
}
