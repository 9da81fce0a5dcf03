import type { FabricOrder } from '../../shared/fabric/schemas.js';
import type { JobPayload } from '../../shared/jobs/contract.js';
import { activeQuantity, allocate, lineCancel, linesWithSku, openQuantity, type LineCancel } from '../../shared/fabric/order-lines.js';

export interface UpdatePlan {
  /** Item-level cancels that bring fabric to the quantities RetailOPS sent. */
  readonly cancels: LineCancel[];
  /** Lines fabric cannot follow (a higher quantity, a new sku, less than already shipped). */
  readonly rejected: { sku: string; reason: string }[];
}

/**
 * Compares RetailOPS' line items with the fabric order. Quantities are targets, so planning again after a partial
 * success asks only for what is still missing. Skus RetailOPS does not list are left as they are.
 */
export function planUpdate(lineItems: JobPayload<'update'>['lineItems'], order: FabricOrder): UpdatePlan {
  const cancels: UpdatePlan['cancels'] = [];
  const rejected: UpdatePlan['rejected'] = [];
  const wantedBySku = new Map<string, number>();
  for (const line of lineItems) {
    const wanted = line.removed ? 0 : line.quantity;
    wantedBySku.set(line.sku, (wantedBySku.get(line.sku) ?? 0) + wanted);
  }
  for (const [sku, wanted] of wantedBySku) {
    const lines = linesWithSku(order, sku);
    const active = lines.reduce((total, item) => total + activeQuantity(item), 0);
    if (lines.length === 0 && wanted > 0) {
      rejected.push({ sku, reason: `sku ${sku} is not on the order and fabric cannot add items` });
    } else if (wanted > active) {
      rejected.push({ sku, reason: `sku ${sku}: quantity ${wanted} is above the ordered ${active} and fabric cannot raise quantities` });
    } else if (wanted < active) {
      const taken = allocate(lines, active - wanted, openQuantity);
      if (!taken) {
        rejected.push({ sku, reason: `sku ${sku}: cannot go down to ${wanted}, more than that has shipped` });
      } else {
        for (const { item, quantity } of taken) cancels.push(lineCancel(item, quantity));
      }
    }
  }
  return { cancels, rejected };
}
