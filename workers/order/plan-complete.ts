import type { FabricOrder, ShipmentRequestBody } from '../../shared/fabric/schemas.js';
import type { JobPayload } from '../../shared/jobs/contract.js';
import { lineCancel, type LineCancel } from '../../shared/fabric/order-lines.js';
import { OpenUnits, lineForRef, planPackages, type PlanProblem } from './plan-shipments.js';

export { shipmentNumberFor } from './plan-shipments.js';

export interface CompletePlan {
  readonly shipments: ShipmentRequestBody[];
  /** The unshipped remainder, cancelled at item level. */
  readonly cancels: LineCancel[];
  readonly problems: PlanProblem[];
}

/**
 * Completing an order in RetailOPS means every item is shipped in one of its packages or listed as unshipped.
 * A package that names its items ships those; a package that names none ships every open item not listed as
 * unshipped (the seed's packages carry `ship_items: [null]`). What stays open of the unshipped items is cancelled.
 */
export function planComplete(payload: JobPayload<'order.complete'>, order: FabricOrder, created: ReadonlySet<string> = new Set()): CompletePlan {
  const problems: PlanProblem[] = [];
  const unshipped = new Set<string>();
  for (const ref of payload.unshippedItemRefs) {
    const line = lineForRef(order, ref);
    if (line) unshipped.add(line.lineItemId);
    else problems.push({ ref, reason: `unshipped item ${ref} is not on order ${payload.refnum}` });
  }
  const units = new OpenUnits(order);
  const packaged = planPackages({
    refnum: payload.refnum,
    packages: payload.packages,
    order,
    units,
    unlistedShipsRest: true,
    excluded: unshipped,
    created,
  });
  const cancels = order.items
    .filter((item) => unshipped.has(item.lineItemId) && units.left(item) > 0)
    .map((item) => lineCancel(item, units.left(item)));
  return { shipments: packaged.shipments, cancels, problems: [...problems, ...packaged.problems] };
}
