// fabric's cancel action as a pure function of the order and the request: whole-order (no items)
// or item-level, validated completely before anything changes.
import { z } from 'zod';
import { ErrorCodes, invalidValue, SandboxApiError } from '../errors.js';
import { openBalance } from '../status.js';
import type { StoredOrder } from '../types.js';
import { nextRevision, quantitiesByLineItem } from './revision.js';
import { removeCancelledUnits } from '../totals.js';

const cancelItemSchema = z.looseObject({
  lineItemId: z.string().min(1),
  // fabric requires it on every item: the first of the line's units (numbered 1..orderedQuantity) cancelled.
  itemUnitNumber: z.number().int().min(1),
  quantity: z.number().int().min(1),
  reasonCode: z.string().optional(),
  subReasonCode: z.string().optional(),
  attributes: z.record(z.string(), z.unknown()).optional(),
});

export const cancelRequestSchema = z.looseObject({
  reasonCode: z.string().min(1),
  subReasonCode: z.string().optional(),
  source: z.string().optional(),
  employeeId: z.string().optional(),
  note: z.string().optional(),
  policyCode: z.string().optional(),
  attributes: z.record(z.string(), z.unknown()).optional(),
  releaseSoftReservation: z.boolean().optional(),
  items: z.array(cancelItemSchema).optional(),
});

export type CancelRequest = z.output<typeof cancelRequestSchema>;

const alreadyCancelled = (): SandboxApiError =>
  new SandboxApiError(412, ErrorCodes.orderAlreadyCancelled, 'Order already cancelled');

const nothingToCancel = (errors: unknown[] = []): SandboxApiError =>
  new SandboxApiError(412, ErrorCodes.noLineItemToCancel, 'No line item available for cancellation', errors);

const quantityNotAvailable = (errors: unknown[]): SandboxApiError =>
  new SandboxApiError(412, ErrorCodes.quantityNotCancellable, 'Quantity not available for cancellation', errors);

/** Which units to cancel: every open unit, or exactly the requested ones after validation. */
function unitsToCancel(order: StoredOrder, request: CancelRequest): Map<string, number> {
  if (request.items === undefined) {
    const open = new Map<string, number>();
    for (const item of order.items) {
      const quantity = openBalance(item);
      if (quantity > 0) open.set(item.lineItemId, quantity);
    }
    if (open.size === 0) throw nothingToCancel();
    return open;
  }
  // An empty list is refused rather than read as "whole order": a caller that computed no
  // changes must not cancel everything by accident.
  if (request.items.length === 0) throw invalidValue('items must not be empty; omit items to cancel the whole order');

  for (const entry of request.items) {
    const item = order.items.find((candidate) => candidate.lineItemId === entry.lineItemId);
    const lastUnit = entry.itemUnitNumber + entry.quantity - 1;
    if (item !== undefined && lastUnit > item.orderedQuantity) {
      throw invalidValue(
        `Line item ${entry.lineItemId} has units 1-${item.orderedQuantity}; units ${entry.itemUnitNumber}-${lastUnit} requested`,
        [{ lineItemId: entry.lineItemId, itemUnitNumber: entry.itemUnitNumber, quantity: entry.quantity }],
      );
    }
  }
  const requested = quantitiesByLineItem(request.items, (i) => i.lineItemId, (i) => i.quantity);
  for (const [lineItemId, quantity] of requested) {
    const item = order.items.find((candidate) => candidate.lineItemId === lineItemId);
    const available = item === undefined ? 0 : openBalance(item);
    if (item === undefined || available === 0) {
      throw nothingToCancel([{ lineItemId, reason: item === undefined ? 'line item not found' : 'no open quantity' }]);
    }
    if (quantity > available) throw quantityNotAvailable([{ lineItemId, requested: quantity, available }]);
  }
  return requested;
}

export function applyCancel(current: StoredOrder, request: CancelRequest, now: string): StoredOrder {
  if (current.statusCode === 'ORDER_CANCELLED') throw alreadyCancelled();
  const units = unitsToCancel(current, request);
  const order = structuredClone(current);
  for (const item of order.items) {
    const quantity = units.get(item.lineItemId) ?? 0;
    if (quantity === 0) continue;
    removeCancelledUnits(order, item, item.orderedQuantity - item.cancelledQuantity, quantity);
    item.cancelledQuantity += quantity;
    // fabric reports each cancel on the line (cancellationItemResource): a caller can tell its own cancel, reason and
    // source, from anyone else's when it reads the order again (a retry after a lost answer does).
    const entry = request.items?.find((candidate) => candidate.lineItemId === item.lineItemId);
    const cancellations = item.cancellations ?? [];
    cancellations.push({
      cancellationCounter: String(cancellations.length + 1),
      quantity,
      reasonCode: entry?.reasonCode ?? request.reasonCode,
      ...((entry?.subReasonCode ?? request.subReasonCode) === undefined ? {} : { subReasonCode: entry?.subReasonCode ?? request.subReasonCode }),
      ...(request.source === undefined ? {} : { source: request.source }),
      ...(entry?.attributes === undefined ? {} : { attributes: entry.attributes }),
      status: 'COMPLETED',
    });
    item.cancellations = cancellations;
  }
  // The request itself, as the order's cancellationResource: its attributes are where a caller marks which of its
  // actions this cancel was (the item entries carry only their own attributes).
  const requests = order.cancellations ?? [];
  requests.push({
    cancellationCounter: String(requests.length + 1),
    reasonCode: request.reasonCode,
    ...(request.subReasonCode === undefined ? {} : { subReasonCode: request.subReasonCode }),
    ...(request.source === undefined ? {} : { source: request.source }),
    ...(request.attributes === undefined ? {} : { attributes: request.attributes }),
    status: 'COMPLETED',
  });
  order.cancellations = requests;
  return nextRevision(order, now);
}
