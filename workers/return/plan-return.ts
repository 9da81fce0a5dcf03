import type { FabricItem, FabricOrder, FabricShipment, ReturnRequestBody, ReturnRequestItem } from '../../shared/fabric/schemas.js';
import { toWireNumber } from '../../shared/money.js';
import type { JobPayload } from '../../shared/jobs/contract.js';
import { linesWithSku, returnableQuantity } from '../../shared/fabric/order-lines.js';

export const RETURN_REASON = 'RETAILOPS_RETURN';
/** Stored on the fabric return, so that a retried return can be recognised: fabric has no idempotency key. */
export const RETURN_ID_ATTRIBUTE = 'retailopsReturnId';

/**
 * fabric's order shows a return's attributes as a map of objects (`orderReturnsInfo.attributes.additionalProperties`
 * is `type: object`), so the id is sent as `{id}`, which the request's free-form `attributes` accepts too.
 */
export function returnIdAttribute(returnId: string): Record<string, { id: string }> {
  return { [RETURN_ID_ATTRIBUTE]: { id: returnId } };
}

/** The RetailOPS return id a fabric return carries: `{id}` as sent, or a bare value as earlier versions sent it. */
function storedReturnId(attributes: Record<string, unknown> | undefined): string {
  const value = attributes?.[RETURN_ID_ATTRIBUTE];
  if (value !== null && typeof value === 'object') return String((value as { id?: unknown }).id ?? '');
  return String(value ?? '');
}

export type ReturnPlan =
  | { readonly kind: 'already-submitted' }
  | { readonly kind: 'submit'; readonly body: ReturnRequestBody }
  | { readonly kind: 'rejected'; readonly skus: string[]; readonly reason: string };

/** One shipment line of an order line: where fabric says its units went out, and how many of them came back. */
interface ShipmentLine {
  readonly shipmentId: string;
  readonly shipmentLineId: string;
  readonly lineItemId: string;
  readonly available: number;
}

function shipmentLinesOf(shipments: readonly FabricShipment[]): ShipmentLine[] {
  return shipments.flatMap((shipment) =>
    shipment.cartons.flatMap((carton) =>
      carton.items.flatMap((item) =>
        // fabric requires all three to name a shipment line in a return; a line without them cannot be returned from.
        shipment.shipmentId === undefined || item.shipmentLineItemId === undefined || item.lineItemId === undefined
          ? []
          : [
              {
                shipmentId: shipment.shipmentId,
                shipmentLineId: item.shipmentLineItemId,
                lineItemId: item.lineItemId,
                available: Math.max(0, item.shippedQuantity - item.returnQuantity),
              },
            ],
      ),
    ),
  );
}

/**
 * Plans the return from the order and its shipments as fabric holds them: each returned unit is taken from a
 * shipment line that shipped it and has not had it back (fabric requires `shipmentId` and `shipmentLineId` on every
 * item), and is counted against its order line too. `scannedAt` is when RetailOPS reported the return.
 */
export function planReturn(
  payload: JobPayload<'return'>,
  order: FabricOrder,
  shipments: readonly FabricShipment[],
  source: string,
  scannedAt: string,
): ReturnPlan {
  const submitted = order.returns.some((ret) => storedReturnId(ret.attributes) === payload.returnId);
  if (submitted) return { kind: 'already-submitted' };
  const reasonCode = payload.reason ?? RETURN_REASON;
  const items: ReturnRequestItem[] = [];
  const problems: { sku: string; reason: string }[] = [];
  const shipmentLines = shipmentLinesOf(shipments);
  // What earlier items of this return already took, per order line and per shipment line: a sku listed twice cannot
  // return a unit twice.
  const takenFromLine = new Map<string, number>();
  const takenFromShipment = new Map<ShipmentLine, number>();
  for (const wanted of payload.items) {
    const lines = linesWithSku(order, wanted.sku);
    if (lines.length === 0) {
      problems.push({ sku: wanted.sku, reason: `sku ${wanted.sku} is not on order ${payload.refnum}` });
      continue;
    }
    const allocation = allocateReturn(lines, wanted.quantity, shipmentLines, takenFromLine, takenFromShipment);
    if (!allocation) {
      const shipped = lines.reduce((total, item) => total + item.shippedQuantity, 0);
      problems.push({
        sku: wanted.sku,
        reason:
          shipped === 0
            ? `sku ${wanted.sku} was never shipped on order ${payload.refnum}, so it cannot be returned`
            : `sku ${wanted.sku}: fewer than ${wanted.quantity} shipped and not yet returned`,
      });
      continue;
    }
    // A refund amount belongs to one entry; split over several, the order-level total carries it.
    const refund = allocation.length === 1 && wanted.refundAmount !== null ? { refundAmount: toWireNumber(wanted.refundAmount) } : {};
    for (const { line, quantity } of allocation) {
      items.push({
        orderLineItemId: line.lineItemId,
        quantity,
        returnType: 'RECEIVED',
        scannedAt,
        shipmentId: line.shipmentId,
        shipmentLineId: line.shipmentLineId,
        reasonCode,
        ...refund,
      });
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
      attributes: returnIdAttribute(payload.returnId),
      items,
    },
  };
}

/**
 * Takes `quantity` units from the order lines in order, each from its shipment lines in order, none beyond what the
 * order line or the shipment line still has to return; null (and nothing recorded) when they hold too little.
 */
function allocateReturn(
  lines: readonly FabricItem[],
  quantity: number,
  shipmentLines: readonly ShipmentLine[],
  takenFromLine: Map<string, number>,
  takenFromShipment: Map<ShipmentLine, number>,
): { line: ShipmentLine; quantity: number }[] | null {
  const taken: { line: ShipmentLine; quantity: number }[] = [];
  let left = quantity;
  for (const item of lines) {
    let lineLeft = returnableQuantity(item) - (takenFromLine.get(item.lineItemId) ?? 0);
    for (const line of shipmentLines) {
      if (left === 0 || lineLeft <= 0) break;
      if (line.lineItemId !== item.lineItemId) continue;
      const take = Math.min(left, lineLeft, line.available - (takenFromShipment.get(line) ?? 0));
      if (take <= 0) continue;
      taken.push({ line, quantity: take });
      left -= take;
      lineLeft -= take;
    }
  }
  if (left > 0) return null;
  for (const { line, quantity: took } of taken) {
    takenFromLine.set(line.lineItemId, (takenFromLine.get(line.lineItemId) ?? 0) + took);
    takenFromShipment.set(line, (takenFromShipment.get(line) ?? 0) + took);
  }
  return taken;
}
