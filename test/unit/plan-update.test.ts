import { describe, expect, it } from 'vitest';
import type { FabricOrder } from '../../shared/fabric/schemas.js';
import { planUpdate } from '../../workers/update/plan-update.js';
import { fabricOrder } from './helpers.js';

type Line = { sku: string; quantity: number; removed?: boolean };
const plan = (lines: Line[], order: FabricOrder) => planUpdate(lines.map((line) => ({ removed: false, ...line })), order);

/** The seed's order 496: sku 132 ordered 3 (line 7397), sku 53 shipped (line 7395). */
const seedOrder = () =>
  fabricOrder([
    { lineItemId: '7397', sku: '132', orderedQuantity: 3 },
    { lineItemId: '7395', sku: '53', orderedQuantity: 1, shippedQuantity: 1 },
  ]);

/** Applies a plan's cancels to the order, as fabric would record them. */
function applyCancels(order: FabricOrder, cancels: { lineItemId: string; quantity: number }[]): FabricOrder {
  return fabricOrder(
    order.items.map((item) => ({
      ...item,
      cancelledQuantity: item.cancelledQuantity + cancels.filter((cancel) => cancel.lineItemId === item.lineItemId).reduce((total, cancel) => total + cancel.quantity, 0),
    })),
  );
}

describe('workers/update/plan-update', () => {
  it('a lower quantity cancels the difference (seed 002: 3 → 2)', () => {
    expect(plan([{ sku: '132', quantity: 2 }], seedOrder())).toEqual({ cancels: [{ lineItemId: '7397', sku: '132', itemUnitNumber: 3, quantity: 1 }], rejected: [] });
  });

  it('removed cancels every open unit, whatever the quantity says', () => {
    expect(plan([{ sku: '132', quantity: 3, removed: true }], seedOrder())).toEqual({
      cancels: [{ lineItemId: '7397', sku: '132', itemUnitNumber: 1, quantity: 3 }],
      rejected: [],
    });
  });

  it('an unchanged quantity plans nothing', () => {
    expect(plan([{ sku: '132', quantity: 3 }, { sku: '53', quantity: 1 }], seedOrder())).toEqual({ cancels: [], rejected: [] });
  });

  it('skus RetailOPS does not list are left alone', () => {
    expect(plan([], seedOrder())).toEqual({ cancels: [], rejected: [] });
  });

  it('a higher quantity is rejected', () => {
    const result = plan([{ sku: '132', quantity: 4 }], seedOrder());
    expect(result.cancels).toEqual([]);
    expect(result.rejected).toEqual([{ sku: '132', reason: expect.stringMatching(/above the ordered 3/) }]);
  });

  it('a new sku is rejected; a removed unknown sku is ignored', () => {
    expect(plan([{ sku: '999', quantity: 1 }], seedOrder()).rejected).toEqual([{ sku: '999', reason: expect.stringMatching(/not on the order/) }]);
    expect(plan([{ sku: '999', quantity: 1, removed: true }], seedOrder())).toEqual({ cancels: [], rejected: [] });
  });

  it('going below the shipped quantity is rejected', () => {
    const order = fabricOrder([{ lineItemId: 'L1', sku: 'A', orderedQuantity: 3, shippedQuantity: 2 }]);
    expect(plan([{ sku: 'A', quantity: 1 }], order).rejected).toEqual([{ sku: 'A', reason: expect.stringMatching(/has shipped/) }]);
    expect(plan([{ sku: 'A', quantity: 0, removed: true }], order).rejected).toHaveLength(1);
    // Down to exactly the shipped quantity is fine.
    expect(plan([{ sku: 'A', quantity: 2 }], order)).toEqual({ cancels: [{ lineItemId: 'L1', sku: 'A', itemUnitNumber: 3, quantity: 1 }], rejected: [] });
  });

  it('splits a cancel across two lines with the same sku', () => {
    const order = fabricOrder([
      { lineItemId: 'L1', sku: 'A', orderedQuantity: 2, shippedQuantity: 1 },
      { lineItemId: 'L2', sku: 'A', orderedQuantity: 2 },
    ]);
    expect(plan([{ sku: 'A', quantity: 1 }], order)).toEqual({
      cancels: [
        { lineItemId: 'L1', sku: 'A', itemUnitNumber: 2, quantity: 1 },
        { lineItemId: 'L2', sku: 'A', itemUnitNumber: 1, quantity: 2 },
      ],
      rejected: [],
    });
  });

  it('adds up repeated lines of one sku before comparing', () => {
    const order = fabricOrder([{ lineItemId: 'L1', sku: 'A', orderedQuantity: 5 }]);
    expect(plan([{ sku: 'A', quantity: 2 }, { sku: 'A', quantity: 1 }], order).cancels).toEqual([{ lineItemId: 'L1', sku: 'A', itemUnitNumber: 4, quantity: 2 }]);
  });

  it('counts already-cancelled units as gone', () => {
    const order = fabricOrder([{ lineItemId: 'L1', sku: 'A', orderedQuantity: 5, cancelledQuantity: 2 }]);
    expect(plan([{ sku: 'A', quantity: 3 }], order)).toEqual({ cancels: [], rejected: [] });
    expect(plan([{ sku: 'A', quantity: 4 }], order).rejected).toHaveLength(1);
  });

  it('names the units each cancel takes: the highest not yet cancelled, so no unit is named twice', () => {
    const order = fabricOrder([{ lineItemId: 'L1', sku: 'A', orderedQuantity: 5, cancelledQuantity: 1, shippedQuantity: 1 }]);
    const [cancel] = plan([{ sku: 'A', quantity: 2 }], order).cancels;
    // Units 1..5: unit 5 is cancelled, unit 1 shipped; going from 4 to 2 cancels units 3 and 4.
    expect(cancel).toEqual({ lineItemId: 'L1', sku: 'A', itemUnitNumber: 3, quantity: 2 });
  });

  it('planning again after a partial success asks only for what remains', () => {
    const order = fabricOrder([
      { lineItemId: 'L1', sku: 'A', orderedQuantity: 2 },
      { lineItemId: 'L2', sku: 'A', orderedQuantity: 2 },
      { lineItemId: 'L3', sku: 'B', orderedQuantity: 3 },
    ]);
    const wanted = [{ sku: 'A', quantity: 1 }, { sku: 'B', quantity: 0, removed: true }];
    const first = plan(wanted, order);
    expect(first.cancels).toEqual([
      { lineItemId: 'L1', sku: 'A', itemUnitNumber: 1, quantity: 2 },
      { lineItemId: 'L2', sku: 'A', itemUnitNumber: 2, quantity: 1 },
      { lineItemId: 'L3', sku: 'B', itemUnitNumber: 1, quantity: 3 },
    ]);
    // Only the first cancel went through before the job failed.
    const partly = applyCancels(order, first.cancels.slice(0, 1));
    expect(plan(wanted, partly).cancels).toEqual([
      { lineItemId: 'L2', sku: 'A', itemUnitNumber: 2, quantity: 1 },
      { lineItemId: 'L3', sku: 'B', itemUnitNumber: 1, quantity: 3 },
    ]);
    // Everything went through: nothing more to do.
    expect(plan(wanted, applyCancels(order, first.cancels))).toEqual({ cancels: [], rejected: [] });
  });
});
