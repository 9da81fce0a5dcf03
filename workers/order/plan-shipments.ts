import type { FabricItem, FabricOrder, ShipmentRequestBody } from '../../shared/fabric/schemas.js';
import type { JobPayload } from '../../shared/jobs/contract.js';
import { lineByRef, linesWithSku, openQuantity } from '../../shared/fabric/order-lines.js';

type ShipmentPackage = JobPayload<'order.shipment'>['packages'][number];

export interface PlanProblem {
  readonly ref: string;
  readonly reason: string;
}

/** Derived from RetailOPS' shipment and package ids, so a retried complete never creates a second shipment. */
export function shipmentNumberFor(shipmentId: string, packageId: string): string {
  return `RO-${shipmentId}-${packageId}`;
}

/** Open units per fabric line, drawn down as packages take them. */
export class OpenUnits {
  readonly #remaining: Map<string, number>;

  constructor(order: FabricOrder) {
    this.#remaining = new Map(order.items.map((item) => [item.lineItemId, openQuantity(item)]));
  }

  left(item: FabricItem): number {
    return this.#remaining.get(item.lineItemId) ?? 0;
  }

  /** Takes up to `wanted` (all, when null) open units of the line; returns how many it took. */
  take(item: FabricItem, wanted: number | null): number {
    const open = this.left(item);
    const quantity = Math.min(open, wanted ?? open);
    this.#remaining.set(item.lineItemId, open - quantity);
    return quantity;
  }
}

/** A RetailOPS item reference: a fabric line item id (as fetched), a line number, or a sku. */
export function lineForRef(order: FabricOrder, ref: string): FabricItem | undefined {
  return lineByRef(order, ref) ?? linesWithSku(order, ref)[0];
}

export interface PackagePlanInput {
  readonly refnum: string;
  readonly packages: readonly ShipmentPackage[];
  readonly order: FabricOrder;
  /** The order's open units; the packages draw them down, so a caller can see what is left afterwards. */
  readonly units: OpenUnits;
  /** complete: a package that lists no items ships every open item not excluded. submit: it ships nothing. */
  readonly unlistedShipsRest: boolean;
  /** Lines never shipped by an unlisted package (complete's unshipped items). */
  readonly excluded: ReadonlySet<string>;
  /** Shipment numbers fabric already holds: an earlier attempt shipped those packages, and the order counts them. */
  readonly created: ReadonlySet<string>;
}

export interface PackagePlan {
  readonly shipments: ShipmentRequestBody[];
  /** Listed items the order does not have. */
  readonly problems: PlanProblem[];
}

/**
 * One fabric shipment per RetailOPS package. A package that names its items ships those (by item reference, or by
 * sku across every line of that sku); packages already created, or that end up with nothing to ship, are left out.
 */
export function planPackages({ refnum, packages, order, units, unlistedShipsRest, excluded, created }: PackagePlanInput): PackagePlan {
  const problems: PlanProblem[] = [];
  const shipments: ShipmentRequestBody[] = [];
  for (const pkg of packages) {
    const shipmentNumber = shipmentNumberFor(pkg.shipmentId, pkg.packageId);
    if (created.has(shipmentNumber)) continue;
    const items: ShipmentRequestBody['cartons'][number]['items'] = [];
    const add = (item: FabricItem, quantity: number) => {
      if (quantity > 0) items.push({ lineItemId: item.lineItemId, shippedQuantity: quantity, orderNumber: refnum, sku: item.sku });
    };
    if (pkg.items.length > 0) {
      for (const shipItem of pkg.items) {
        const ref = shipItem.itemRef ?? shipItem.sku ?? '';
        const byRef = shipItem.itemRef ? lineByRef(order, shipItem.itemRef) : undefined;
        const lines = byRef ? [byRef] : shipItem.sku ? linesWithSku(order, shipItem.sku) : [];
        if (lines.length === 0) {
          problems.push({ ref, reason: `shipped item ${ref} is not on order ${refnum}` });
          continue;
        }
        let wanted = shipItem.quantity;
        for (const line of lines) {
          if (wanted === 0) break;
          const quantity = units.take(line, wanted);
          add(line, quantity);
          if (wanted !== null) wanted -= quantity;
        }
      }
    } else if (unlistedShipsRest) {
      for (const item of order.items) if (!excluded.has(item.lineItemId)) add(item, units.take(item, null));
    }
    if (items.length === 0) continue;
    shipments.push({
      shipmentNumber,
      ...(pkg.shippedAt ? { shippedAt: pkg.shippedAt } : {}),
      cartons: [
        {
          ...(pkg.carrier ? { shipmentCarrier: pkg.carrier } : {}),
          ...(pkg.method ? { shipmentMethod: pkg.method } : {}),
          ...(pkg.trackingNumber ? { trackingNumber: pkg.trackingNumber } : {}),
          items,
        },
      ],
    });
  }
  return { shipments, problems };
}
