import { describe, expect, it } from 'vitest';
import { deriveOrderStatus } from '../../sandbox/state.js';
import { applyDerivedStatus } from '../../sandbox/status.js';
import { buildDemoOrders } from '../../sandbox/state.js';

describe('deriveOrderStatus', () => {
  it.each([
    [{ ordered: 4, cancelled: 0, shipped: 0, returned: 0 }, 'ORDER_CREATED'],
    [{ ordered: 4, cancelled: 1, shipped: 0, returned: 0 }, 'ORDER_PARTIALLY_CANCELLED'],
    [{ ordered: 4, cancelled: 4, shipped: 0, returned: 0 }, 'ORDER_CANCELLED'],
    [{ ordered: 4, cancelled: 0, shipped: 1, returned: 0 }, 'ORDER_PARTIALLY_SHIPPED'],
    [{ ordered: 4, cancelled: 1, shipped: 1, returned: 0 }, 'ORDER_PARTIALLY_SHIPPED'],
    [{ ordered: 4, cancelled: 0, shipped: 4, returned: 0 }, 'ORDER_SHIPPED'],
    [{ ordered: 4, cancelled: 1, shipped: 3, returned: 0 }, 'ORDER_SHIPPED'],
    [{ ordered: 4, cancelled: 0, shipped: 4, returned: 1 }, 'ORDER_PARTIALLY_RETURNED'],
    [{ ordered: 4, cancelled: 0, shipped: 2, returned: 2 }, 'ORDER_PARTIALLY_RETURNED'],
    [{ ordered: 4, cancelled: 1, shipped: 3, returned: 3 }, 'ORDER_RETURNED'],
    [{ ordered: 4, cancelled: 0, shipped: 4, returned: 4 }, 'ORDER_RETURNED'],
    [{ ordered: 0, cancelled: 0, shipped: 0, returned: 0 }, 'ORDER_CREATED'],
  ] as const)('%o → %s', (counts, expected) => {
    expect(deriveOrderStatus(counts)).toBe(expected);
  });
});

describe('applyDerivedStatus', () => {
  it('partitions each item into quantityInStatus and derives line and order status', () => {
    const [order] = buildDemoOrders('2024-01-01T00:00:00.000Z');
    if (order === undefined) throw new Error('no demo order');
    const item = order.items[1]!;
    item.cancelledQuantity = 1;
    item.shippedQuantity = 2;
    item.returnedQuantity = 1;
    applyDerivedStatus(order);
    expect(item.quantityInStatus).toEqual({
      created: 0, pendingShipped: 0, shipped: 1, returned: 1, cancelled: 1, hold: 0, delivered: 0,
    });
    expect(item.lineOrderStatus).toBe('PARTIALLY_RETURNED');
    expect(order.statusCode).toBe('ORDER_PARTIALLY_RETURNED');
  });
});
