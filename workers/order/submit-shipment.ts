import { EVENT_CODES } from '../../shared/events/codes.js';
import { ActionRejectedError } from '../action-rejected.js';
import type { JobHandler } from '../handler-context.js';
import { requireOrder } from '../require-order.js';
import { createShipments, existingShipmentNumbers } from './create-shipments.js';
import { OpenUnits, planPackages } from './plan-shipments.js';

/**
 * order_shipment_submit (v1): one fabric shipment per RetailOPS package, numbered from RetailOPS' shipment and
 * package ids, so a resubmitted shipment, or a later complete naming the same packages, creates nothing twice.
 */
export const submitShipment: JobHandler<'order.shipment'> = async (payload, { fabric, call }) => {
  const order = await requireOrder(fabric, payload.refnum, call);
  const created = await existingShipmentNumbers(fabric, payload.refnum, call);
  const { shipments, problems } = planPackages({
    refnum: payload.refnum,
    packages: payload.packages,
    order,
    units: new OpenUnits(order),
    unlistedShipsRest: false,
    excluded: new Set(),
    created,
  });
  if (problems.length > 0) {
    throw new ActionRejectedError(EVENT_CODES.ITEM_NOT_FOUND, problems.map((problem) => problem.reason).join('; '), [], {
      refs: problems.map((problem) => problem.ref),
    });
  }
  await createShipments(fabric, payload.refnum, shipments, call);
  return { outcome: `${shipments.length} shipment(s)` };
};
