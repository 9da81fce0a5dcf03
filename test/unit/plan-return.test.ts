import { describe, expect, it } from 'vitest';
import type { FabricOrder } from '../../shared/fabric/schemas.js';
import type { JobPayload } from '../../shared/queues.js';
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

describe('workers/return/plan-return', () => {
  it('seed 004: submits the return of sku 53 with the RetailOPS return id and the total as a number', () => {
    expect(planReturn(payload(), seedOrder(), 'RetailOPS')).toEqual({
      kind: 'submit',
      body: {
        source: 'RetailOPS',
        reasonCode: 'CustomerReturn',
        totalRefundAmount: 30,
        attributes: { [RETURN_ID_ATTRIBUTE]: '87' },
        items: [{ orderLineItemId: '7395', quantity: 1, returnType: 'RECEIVED', reasonCode: 'CustomerReturn' }],
      },
    });
  });

  it('uses the default reason and leaves out a missing total', () => {
    const plan = planReturn(payload({ reason: null, totalRefundAmount: null }), seedOrder(), 'src');
    expect(plan.kind).toBe('submit');
    if (plan.kind !== 'submit') return;
    expect(plan.body.reasonCode).toBe(RETURN_REASON);
    expect(plan.body.items[0]?.reasonCode).toBe(RETURN_REASON);
    expect(plan.body).not.toHaveProperty('totalRefundAmount');
  });

  it('sends refund amounts as JSON numbers', () => {
    const plan = planReturn(payload({ items: [{ sku: '53', quantity: 1, refundAmount: '12.50' }], totalRefundAmount: '12.50' }), seedOrder(), 'src');
    if (plan.kind !== 'submit') throw new Error(`expected submit, got ${plan.kind}`);
    expect(plan.body.totalRefundAmount).toBe(12.5);
    expect(plan.body.items[0]?.refundAmount).toBe(12.5);
    expect(JSON.stringify(plan.body)).toContain('"refundAmount":12.5');
  });

  it('is already submitted when a fabric return carries the same RetailOPS return id', () => {
    const order = seedOrder({ returns: [{ attributes: { other: 'x' } }, {}, { attributes: { [RETURN_ID_ATTRIBUTE]: '87' } }] });
    expect(planReturn(payload(), order, 'src')).toEqual({ kind: 'already-submitted' });
  });

  it('matches a numeric stored return id too, but not another return', () => {
    expect(planReturn(payload(), seedOrder({ returns: [{ attributes: { [RETURN_ID_ATTRIBUTE]: 87 } }] }), 'src').kind).toBe('already-submitted');
    expect(planReturn(payload(), seedOrder({ returns: [{ attributes: { [RETURN_ID_ATTRIBUTE]: '88' } }] }), 'src').kind).toBe('submit');
  });

  it('rejects an item that has not shipped', () => {
    const plan = planReturn(payload({ items: [{ sku: '132', quantity: 1, refundAmount: null }] }), seedOrder(), 'src');
    expect(plan).toEqual({ kind: 'rejected', skus: ['132'], reason: expect.stringMatching(/fewer than 1 shipped and not yet returned/) });
  });

  it('rejects a sku not on the order, and an already-returned unit', () => {
    expect(planReturn(payload({ items: [{ sku: '999', quantity: 1, refundAmount: null }] }), seedOrder(), 'src')).toEqual({
      kind: 'rejected',
      skus: ['999'],
      reason: 'sku 999 is not on order 496',
    });
    const returned = fabricOrder([{ lineItemId: '7395', sku: '53', orderedQuantity: 1, shippedQuantity: 1, returnedQuantity: 1 }]);
    expect(planReturn(payload(), returned, 'src').kind).toBe('rejected');
  });

  it('rejects the whole return when any item is a problem', () => {
    const plan = planReturn(
      payload({ items: [{ sku: '53', quantity: 1, refundAmount: null }, { sku: '132', quantity: 1, refundAmount: null }, { sku: 'x', quantity: 1, refundAmount: null }] }),
      seedOrder(),
      'src',
    );
    expect(plan).toMatchObject({ kind: 'rejected', skus: ['132', 'x'] });
  });

  it('rejects a return with no items', () => {
    expect(planReturn(payload({ items: [] }), seedOrder(), 'src')).toEqual({ kind: 'rejected', skus: [], reason: 'return 87 lists no items' });
  });

  it('splits a sku across lines and then drops the per-line refund (the total carries it)', () => {
    const order = fabricOrder([
      { lineItemId: 'L1', sku: 'A', orderedQuantity: 1, shippedQuantity: 1 },
      { lineItemId: 'L2', sku: 'A', orderedQuantity: 2, shippedQuantity: 2 },
    ]);
    const plan = planReturn(payload({ items: [{ sku: 'A', quantity: 2, refundAmount: '20' }], totalRefundAmount: '20' }), order, 'src');
    if (plan.kind !== 'submit') throw new Error(`expected submit, got ${plan.kind}`);
    expect(plan.body.totalRefundAmount).toBe(20);
    expect(plan.body.items).toEqual([
      { orderLineItemId: 'L1', quantity: 1, returnType: 'RECEIVED', reasonCode: 'CustomerReturn' },
      { orderLineItemId: 'L2', quantity: 1, returnType: 'RECEIVED', reasonCode: 'CustomerReturn' },
    ]);
  });

  it('keeps the per-line refund when one line holds the whole quantity', () => {
    const order = fabricOrder([
      { lineItemId: 'L1', sku: 'A', orderedQuantity: 1, shippedQuantity: 1, returnedQuantity: 1 },
      { lineItemId: 'L2', sku: 'A', orderedQuantity: 2, shippedQuantity: 2 },
    ]);
    const plan = planReturn(payload({ items: [{ sku: 'A', quantity: 2, refundAmount: '20' }] }), order, 'src');
    if (plan.kind !== 'submit') throw new Error(`expected submit, got ${plan.kind}`);
    expect(plan.body.items).toEqual([{ orderLineItemId: 'L2', quantity: 2, returnType: 'RECEIVED', reasonCode: 'CustomerReturn', refundAmount: 20 }]);
  });

  it('does not plan more returns of a line than it has returnable when a sku is listed twice', () => {
    const plan = planReturn(
      payload({ items: [{ sku: '53', quantity: 1, refundAmount: null }, { sku: '53', quantity: 1, refundAmount: null }] }),
      seedOrder(),
      'src',
    );
    expect(plan).toMatchObject({ kind: 'rejected', skus: ['53'] });
  });
});
