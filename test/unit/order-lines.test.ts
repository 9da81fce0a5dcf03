import { describe, expect, it } from 'vitest';
import { activeQuantity, allocate, lineByRef, linesWithSku, openQuantity, returnableQuantity } from '../../shared/fabric/order-lines.js';
import { fabricOrder } from './helpers.js';

describe('shared/fabric/order-lines', () => {
  const order = fabricOrder([
    { lineItemId: '7397', lineItemNumber: 1, sku: '132', orderedQuantity: 3, cancelledQuantity: 1, shippedQuantity: 1 },
    { lineItemId: '7395', lineItemNumber: 2, sku: '53', orderedQuantity: 2, shippedQuantity: 2, returnedQuantity: 1 },
    { lineItemId: '7400', lineItemNumber: 3, sku: '132', orderedQuantity: 1 },
  ]);
  const [a, b, c] = order.items as [(typeof order.items)[0], (typeof order.items)[0], (typeof order.items)[0]];

  it('the schema defaults cancelled, shipped and returned quantities to 0', () => {
    expect(c).toMatchObject({ cancelledQuantity: 0, shippedQuantity: 0, returnedQuantity: 0 });
  });

  it('computes open, active and returnable quantities', () => {
    expect([openQuantity(a), activeQuantity(a), returnableQuantity(a)]).toEqual([1, 2, 1]);
    expect([openQuantity(b), activeQuantity(b), returnableQuantity(b)]).toEqual([0, 2, 1]);
    expect([openQuantity(c), activeQuantity(c), returnableQuantity(c)]).toEqual([1, 1, 0]);
  });

  it('never reports negative quantities', () => {
    const [odd] = fabricOrder([{ lineItemId: 'x', sku: 's', orderedQuantity: 1, cancelledQuantity: 1, shippedQuantity: 1, returnedQuantity: 2 }]).items;
    expect(openQuantity(odd!)).toBe(0);
    expect(activeQuantity(odd!)).toBe(0);
    expect(returnableQuantity(odd!)).toBe(0);
  });

  it('finds lines by sku and by reference (line item id first, then line number)', () => {
    expect(linesWithSku(order, '132').map((item) => item.lineItemId)).toEqual(['7397', '7400']);
    expect(linesWithSku(order, 'nope')).toEqual([]);
    expect(lineByRef(order, '7395')?.lineItemId).toBe('7395');
    expect(lineByRef(order, '3')?.lineItemId).toBe('7400');
    expect(lineByRef(order, '9')).toBeUndefined();
  });

  it('allocates across lines in order, or returns null when they hold too little', () => {
    const lines = linesWithSku(order, '132');
    expect(allocate(lines, 2, openQuantity)?.map(({ item, quantity }) => [item.lineItemId, quantity])).toEqual([
      ['7397', 1],
      ['7400', 1],
    ]);
    expect(allocate(lines, 1, openQuantity)?.map(({ item, quantity }) => [item.lineItemId, quantity])).toEqual([['7397', 1]]);
    expect(allocate(lines, 3, openQuantity)).toBeNull();
    expect(allocate(lines, 0, openQuantity)).toEqual([]);
  });
});
