import type { FabricItem, FabricOrder, ReturnRequestBody } from '../../shared/fabric/schemas.js';
import { toWireNumber } from '../../shared/money.js';
import type { JobPayload } from '../../shared/queues.js';
import { allocate, linesWithSku, returnableQuantity } from '../order-lines.js';

export const RETURN_REASON = 'RETAILOPS_RETURN';
/** Stored on the fabric return, so that a retried return can be recognised: fabric has no idempotency key. */
export const RETURN_ID_ATTRIBUTE = 'retailopsReturnId';

export type ReturnPlan =
  | { readonly kind: 'already-submitted' }
  | { readonly kind: 'submit'; readonly body: ReturnRequestBody }
  | { readonly kind: 'rejected'; readonly skus: string[]; readonly reason: string };

export function planReturn(payload: JobPayload<'return'>, order: FabricOrder, source: string): ReturnPlan {
  const submitted = order.returns.some((ret) => String(ret.attributes?.[RETURN_ID_ATTRIBUTE] ?? '') === payload.returnId);
  if (submitted) return { kind: 'already-submitted' };
  const reasonCode = payload.reason ?? RETURN_REASON;
  const items: ReturnRequestBody['items'] = [];
  const problems: { sku: string; reason: string }[] = [];
  // What earlier items of this return already took from a line: a sku listed twice cannot return a unit twice.
  const taken = new Map<string, number>();
  const stillReturnable = (item: FabricItem) => returnableQuantity(item) - (taken.get(item.lineItemId) ?? 0);
  for (const wanted of payload.items) {
    const lines = linesWithSku(order, wanted.sku);
    const allocation = lines.length === 0 ? null : allocate(lines, wanted.quantity, stillReturnable);
    if (!allocation) {
      const reason =
        lines.length === 0 ? `sku ${wanted.sku} is not on order ${payload.refnum}` : `sku ${wanted.sku}: fewer than ${wanted.quantity} shipped and not yet returned`;
      problems.push({ sku: wanted.sku, reason });
      continue;
    }
    // A refund amount belongs to one line; split over several lines, the order-level total carries it.
    const refund = allocation.length === 1 && wanted.refundAmount !== null ? { refundAmount: toWireNumber(wanted.refundAmount) } : {};
    for (const { item, quantity } of allocation) {
      taken.set(item.lineItemId, (taken.get(item.lineItemId) ?? 0) + quantity);
      items.push({ orderLineItemId: item.lineItemId, quantity, returnType: 'RECEIVED', reasonCode, ...refund });
    }
  }
  if (problems.length > 0) {
    return { kind: 'rejected', skus: problems.map((problem) => problem.sku), reason: problems.map((problem) => problem.reason).join('; ') };
  }
  if (items.length === 0) return { kind: 'rejected', skus: [], reason: `return ${payload.returnId} lists no items` };
  return {
    kind: 'submit',
    body: {
      source,
      reasonCode,
      ...(payload.totalRefundAmount !== null ? { totalRefundAmount: toWireNumber(payload.totalRefundAmount) } : {}),
      attributes: { [RETURN_ID_ATTRIBUTE]: payload.returnId },
      items,
    },
  };
}
