import { describe, expect, it } from 'vitest';
import { fabricShipmentSchema, type FabricOrder, type FabricShipment } from '../../shared/fabric/schemas.js';
import type { JobPayload } from '../../shared/jobs/contract.js';
import { planReturn, RETURN_ID_ATTRIBUTE, RETURN_REASON } from '../../workers/return/plan-return.js';
import { fabricOrder } from './helpers.js';

type ReturnPayload = JobPayload<'return'>;

const payload = (overrides: Partial<ReturnPayload> = {}): ReturnPayload => ({
  refnum: '496',
  returnId: '87',
  items: [{ sku: '53', quantity: 1, refundAmount: null }],
  totalRefundAmount: '30',
  reason: 'CustomerReturn',
  ...overrides,
});

/** The seed's order 496: sku 53 shipped on line 7395, sku 132 ordered but not shipped on line 7397. */
const seedOrder = (extra: Record<string, unknown> = {}): FabricOrder =>
  fabricOrder(
    [
      { lineItemId: '7397', sku: '132', orderedQuantity: 3 },
      { lineItemId: '7395', sku: '53', orderedQuantity: 1, shippedQuantity: 1 },
    ],
    extra,
  );

const SCANNED = '2026-11-30T10:00:00.000Z';

/** Shipments as fabric's Shipments API returns them: one line per [lineItemId, shipped, returned]. */
const shipment = (shipmentId: string, lines: [string, number, number?][]): FabricShipment =>
  fabricShipmentSchema.parse({
    shipmentId,
    shipmentNumber: `N-${shipmentId}`,
    cartons: [{ items: lines.map(([lineItemId, shippedQuantity, returnQuantity], index) => ({ lineItemId, shippedQuantity, returnQuantity, shipmentLineItemId: String(index + 1) })) }],
  });

/** Order 496's shipment of line 7395. */
const seedShipments = [shipment('sh-496', [['7395', 1]])];

const fromSeedShipment = { scannedAt: SCANNED, shipmentId: 'sh-496', shipmentLineId: '1' };

describe('workers/return/plan-return', () => {
  it('seed 004: submits the return of sku 53 with the RetailOPS return id and the total as a number', () => {
    expect(planReturn(payload(), seedOrder(), seedShipments, 'RetailOPS', SCANNED)).toEqual({
      kind: 'submit',
      body: {
        source: 'RetailOPS',
        reasonCode: 'CustomerReturn',
        totalRefundAmount: 30,
        attributes: { [RETURN_ID_ATTRIBUTE]: { id: '87' } },
        items: [{ orderLineItemId: '7395', quantity: 1, returnType: 'RECEIVED', reasonCode: 'CustomerReturn', ...fromSeedShipment }],
      },
    });
  });

  it('uses the default reason and leaves out a missing total', () => {
    const plan = planReturn(payload({ reason: null, totalRefundAmount: null }), seedOrder(), seedShipments, 'src', SCANNED);
    expect(plan.kind).toBe('submit');
    if (plan.kind !== 'submit') return;
    expect(plan.body.reasonCode).toBe(RETURN_REASON);
    expect(plan.body.items[0]?.reasonCode).toBe(RETURN_REASON);
    expect(plan.body).not.toHaveProperty('totalRefundAmount');
  });

  it('sends refund amounts as JSON numbers', () => {
    const plan = planReturn(payload({ items: [{ sku: '53', quantity: 1, refundAmount: '12.50' }], totalRefundAmount: '12.50' }), seedOrder(), seedShipments, 'src', SCANNED);
    if (plan.kind !== 'submit') throw new Error(`expected submit, got ${plan.kind}`);
    expect(plan.body.totalRefundAmount).toBe(12.5);
    expect(plan.body.items[0]?.refundAmount).toBe(12.5);
    expect(JSON.stringify(plan.body)).toContain('"refundAmount":12.5');
  });

  it('is already submitted when a fabric return carries the same RetailOPS return id', () => {
    const order = seedOrder({ returns: [{ attributes: { other: 'x' } }, {}, { attributes: { [RETURN_ID_ATTRIBUTE]: { id: '87' } } }] });
    expect(planReturn(payload(), order, seedShipments, 'src', SCANNED)).toEqual({ kind: 'already-submitted' });
  });

  it('matches a bare or numeric stored return id too (as earlier versions stored it), but not another return', () => {
    expect(planReturn(payload(), seedOrder({ returns: [{ attributes: { [RETURN_ID_ATTRIBUTE]: '87' } }] }), seedShipments, 'src', SCANNED).kind).toBe('already-submitted');
    expect(planReturn(payload(), seedOrder({ returns: [{ attributes: { [RETURN_ID_ATTRIBUTE]: { id: '88' } } }] }), seedShipments, 'src', SCANNED).kind).toBe('submit');
    expect(planReturn(payload(), seedOrder({ returns: [{ attributes: { [RETURN_ID_ATTRIBUTE]: 87 } }] }), seedShipments, 'src', SCANNED).kind).toBe('already-submitted');
    expect(planReturn(payload(), seedOrder({ returns: [{ attributes: { [RETURN_ID_ATTRIBUTE]: '88' } }] }), seedShipments, 'src', SCANNED).kind).toBe('submit');
  });

  it('rejects an item that never shipped, saying so', () => {
    const plan = planReturn(payload({ items: [{ sku: '132', quantity: 1, refundAmount: null }] }), seedOrder(), seedShipments, 'src', SCANNED);
    expect(plan).toEqual({ kind: 'rejected', skus: ['132'], reason: 'sku 132 was never shipped on order 496, so it cannot be returned' });
  });

  it('rejects units the order counts as shipped when no fabric shipment line holds them', () => {
    expect(planReturn(payload(), seedOrder(), [], 'src', SCANNED)).toEqual({
      kind: 'rejected',
      skus: ['53'],
      reason: 'sku 53: fewer than 1 shipped and not yet returned',
    });
    const returnedInShipment = [shipment('sh-496', [['7395', 1, 1]])];
    expect(planReturn(payload(), seedOrder(), returnedInShipment, 'src', SCANNED).kind).toBe('rejected');
  });

  it('takes units from each shipment line that shipped them, never more than it has left', () => {
    const order = fabricOrder([{ lineItemId: 'L1', sku: 'A', orderedQuantity: 3, shippedQuantity: 3, returnedQuantity: 1 }]);
    const shipments = [shipment('s1', [['L1', 1, 1]]), shipment('s2', [['L9', 5], ['L1', 2]])];
    const plan = planReturn(payload({ items: [{ sku: 'A', quantity: 2, refundAmount: '20' }] }), order, shipments, 'src', SCANNED);
    if (plan.kind !== 'submit') throw new Error(`expected submit, got ${plan.kind}`);
    expect(plan.body.items).toEqual([
      { orderLineItemId: 'L1', quantity: 2, returnType: 'RECEIVED', reasonCode: 'CustomerReturn', scannedAt: SCANNED, shipmentId: 's2', shipmentLineId: '2', refundAmount: 20 },
    ]);
  });

  it('rejects a sku not on the order, and an already-returned unit', () => {
    expect(planReturn(payload({ items: [{ sku: '999', quantity: 1, refundAmount: null }] }), seedOrder(), seedShipments, 'src', SCANNED)).toEqual({
      kind: 'rejected',
      skus: ['999'],
      reason: 'sku 999 is not on order 496',
    });
    const returned = fabricOrder([{ lineItemId: '7395', sku: '53', orderedQuantity: 1, shippedQuantity: 1, returnedQuantity: 1 }]);
    expect(planReturn(payload(), returned, seedShipments, 'src', SCANNED).kind).toBe('rejected');
  });

  it('rejects the whole return when any item is a problem', () => {
    const plan = planReturn(
      payload({ items: [{ sku: '53', quantity: 1, refundAmount: null }, { sku: '132', quantity: 1, refundAmount: null }, { sku: 'x', quantity: 1, refundAmount: null }] }),
      seedOrder(),
      seedShipments,
      'src',
      SCANNED,
    );
    expect(plan).toMatchObject({ kind: 'rejected', skus: ['132', 'x'] });
  });

  it('rejects a return with no items', () => {
    expect(planReturn(payload({ items: [] }), seedOrder(), seedShipments, 'src', SCANNED)).toEqual({ kind: 'rejected', skus: [], reason: 'return 87 lists no items' });
  });

  it('splits a sku across lines and then drops the per-line refund (the total carries it)', () => {
    const order = fabricOrder([
      { lineItemId: 'L1', sku: 'A', orderedQuantity: 1, shippedQuantity: 1 },
      { lineItemId: 'L2', sku: 'A', orderedQuantity: 2, shippedQuantity: 2 },
    ]);
    const shipments = [shipment('s1', [['L1', 1], ['L2', 2]])];
    const plan = planReturn(payload({ items: [{ sku: 'A', quantity: 2, refundAmount: '20' }], totalRefundAmount: '20' }), order, shipments, 'src', SCANNED);
    if (plan.kind !== 'submit') throw new Error(`expected submit, got ${plan.kind}`);
    expect(plan.body.totalRefundAmount).toBe(20);
    expect(plan.body.items).toEqual([
      { orderLineItemId: 'L1', quantity: 1, returnType: 'RECEIVED', reasonCode: 'CustomerReturn', scannedAt: SCANNED, shipmentId: 's1', shipmentLineId: '1' },
      { orderLineItemId: 'L2', quantity: 1, returnType: 'RECEIVED', reasonCode: 'CustomerReturn', scannedAt: SCANNED, shipmentId: 's1', shipmentLineId: '2' },
    ]);
  });

  it('keeps the per-line refund when one line holds the whole quantity', () => {
    const order = fabricOrder([
      { lineItemId: 'L1', sku: 'A', orderedQuantity: 1, shippedQuantity: 1, returnedQuantity: 1 },
      { lineItemId: 'L2', sku: 'A', orderedQuantity: 2, shippedQuantity: 2 },
    ]);
    const shipments = [shipment('s1', [['L1', 1, 1], ['L2', 2]])];
    const plan = planReturn(payload({ items: [{ sku: 'A', quantity: 2, refundAmount: '20' }] }), order, shipments, 'src', SCANNED);
    if (plan.kind !== 'submit') throw new Error(`expected submit, got ${plan.kind}`);
    expect(plan.body.items).toEqual([
      { orderLineItemId: 'L2', quantity: 2, returnType: 'RECEIVED', reasonCode: 'CustomerReturn', scannedAt: SCANNED, shipmentId: 's1', shipmentLineId: '2', refundAmount: 20 },
    ]);
  });

  it('does not plan more returns of a line than it has returnable when a sku is listed twice', () => {
    const plan = planReturn(
      payload({ items: [{ sku: '53', quantity: 1, refundAmount: null }, { sku: '53', quantity: 1, refundAmount: null }] }),
      seedOrder(),
      seedShipments,
      'src',
      SCANNED,
    );
    expect(plan).toMatchObject({ kind: 'rejected', skus: ['53'] });
  });
});
