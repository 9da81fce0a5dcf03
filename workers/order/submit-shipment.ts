import { ActionRejectedError } from '../action-rejected.js';
import type { JobHandler } from '../handler.js';
import { createShipments, existingShipmentNumbers } from './create-shipments.js';
import { OpenUnits, planPackages, type PlanProblem } from './plan-shipments.js';

/**
 * order_shipment_submit (v1): one fabric shipment per RetailOPS package, numbered from RetailOPS' shipment and
 * package ids, so a resubmitted shipment, or a later complete naming the same packages, creates nothing twice.
 */
export const submitShipment: JobHandler<'order.shipment'> = async (payload, { fabric, call }) => {
  const order = await fabric.getOrderByNumber(payload.refnum, call);
  if (!order) throw new ActionRejectedError('ORDER_NOT_FOUND', `Order ${payload.refnum} does not exist in fabric`);
  const created = await existingShipmentNumbers(fabric, payload.refnum, call);
  const problems: PlanProblem[] = [];
  const options = { unlistedShipsRest: false, excluded: new Set<string>(), created };
  const shipments = planPackages(payload.refnum, payload.packages, order, new OpenUnits(order), options, problems);
  if (problems.length > 0) {
    throw new ActionRejectedError('ITEM_NOT_FOUND', problems.map((problem) => problem.reason).join('; '), [], {
      refs: problems.map((problem) => problem.ref),
    });
  }
  await createShipments(fabric, payload.refnum, shipments, call);
  return { outcome: `${shipments.length} shipment(s)` };
};
