import { describe, expect, it } from 'vitest';
import { toCompletePayload } from '../../ingress/routes/order-complete.js';
import type { FabricOrder, ShipmentRequestBody } from '../../shared/fabric/schemas.js';
import type { JobPayload } from '../../shared/jobs/contract.js';
import { orderCompleteRequest } from '../../shared/retailops/seed-requests.js';
import { planComplete, shipmentNumberFor } from '../../workers/order/plan-complete.js';
import { fabricOrder, seedInput } from './helpers.js';

type CompletePayload = JobPayload<'order.complete'>;
type Package = CompletePayload['packages'][number];

const pkg = (overrides: Partial<Package> = {}): Package => ({
  shipmentId: '100000084',
  packageId: '370',
  carrier: 'WillCall',
  method: 'WillCall Standard',
  trackingNumber: 'ZX29827782929',
  shippedAt: '2016-04-08T21:13:11Z',
  items: [],
  ...overrides,
});

const payload = (packages: Package[], unshippedItemRefs: string[] = []): CompletePayload => ({
  refnum: '496',
  retailopsOrderId: '4897',
  packages,
  unshippedItemRefs,
});

/** Order 496 as the sandbox holds it: sku 132 × 3 (7397), sku 299 × 1 (line 496), sku 53 already shipped (7395). */
const seedOrder = (): FabricOrder =>
  fabricOrder([
    { lineItemId: '7397', lineItemNumber: 1, sku: '132', orderedQuantity: 3 },
    { lineItemId: '496', lineItemNumber: 2, sku: '299', orderedQuantity: 1 },
    { lineItemId: '7395', lineItemNumber: 3, sku: '53', orderedQuantity: 1, shippedQuantity: 1 },
  ]);

/** Records a plan's shipments and cancels on the order, as fabric would. */
function record(order: FabricOrder, plan: { shipments: ShipmentRequestBody[]; cancels: { lineItemId: string; quantity: number }[] }): FabricOrder {
  const shipped = plan.shipments.flatMap((shipment) => shipment.cartons.flatMap((carton) => carton.items));
  return fabricOrder(
    order.items.map((item) => ({
      ...item,
      shippedQuantity: item.shippedQuantity + shipped.filter((line) => line.lineItemId === item.lineItemId).reduce((total, line) => total + line.shippedQuantity, 0),
      cancelledQuantity: item.cancelledQuantity + plan.cancels.filter((line) => line.lineItemId === item.lineItemId).reduce((total, line) => total + line.quantity, 0),
    })),
  );
}

const shippedLines = (plan: { shipments: ShipmentRequestBody[] }) =>
  plan.shipments.flatMap((shipment) => shipment.cartons.flatMap((carton) => carton.items.map((item) => [item.lineItemId, item.shippedQuantity])));

describe('workers/order/plan-complete', () => {
  it('shipmentNumberFor is deterministic and names shipment and package', () => {
    expect(shipmentNumberFor('100000084', '370')).toBe('RO-100000084-370');
    expect(shipmentNumberFor('100000084', '370')).toBe(shipmentNumberFor('100000084', '370'));
    expect(shipmentNumberFor('100000084', '371')).not.toBe(shipmentNumberFor('100000084', '370'));
  });

  it('seed 000: the package without items ships every open item but the unshipped one, which is cancelled', () => {
    const seedPayload = toCompletePayload(orderCompleteRequest.parse(seedInput('000-order-complete')));
    expect(planComplete(seedPayload, seedOrder())).toEqual({
      shipments: [
        {
          shipmentNumber: 'RO-100000084-370',
          shippedAt: '2016-04-08T21:13:11Z',
          cartons: [
            {
              shipmentCarrier: 'WillCall',
              shipmentMethod: 'WillCall Standard',
              trackingNumber: 'ZX29827782929',
              items: [{ lineItemId: '7397', shippedQuantity: 3, orderNumber: '496', sku: '132' }],
            },
          ],
        },
      ],
      cancels: [{ lineItemId: '496', sku: '299', itemUnitNumber: 1, quantity: 1 }],
      problems: [],
    });
  });

  it('leaves out carton fields that are null', () => {
    const plan = planComplete(payload([pkg({ carrier: null, method: null, trackingNumber: null, shippedAt: null })]), seedOrder());
    expect(plan.shipments[0]).toEqual({
      shipmentNumber: 'RO-100000084-370',
      cartons: [{ items: [{ lineItemId: '7397', shippedQuantity: 3, orderNumber: '496', sku: '132' }, { lineItemId: '496', shippedQuantity: 1, orderNumber: '496', sku: '299' }] }],
    });
  });

  it('a package with items ships those, by item ref (line id or line number) or by sku', () => {
    const plan = planComplete(
      payload([
        pkg({
          items: [
            { sku: null, itemRef: '7397', quantity: 2 },
            { sku: '299', itemRef: null, quantity: null },
          ],
        }),
        pkg({ packageId: '371', items: [{ sku: null, itemRef: '1', quantity: null }] }),
      ]),
      seedOrder(),
    );
    expect(plan.problems).toEqual([]);
    expect(plan.shipments.map((shipment) => shipment.shipmentNumber)).toEqual(['RO-100000084-370', 'RO-100000084-371']);
    expect(plan.shipments.map((shipment) => shipment.cartons[0]?.items.map((item) => [item.lineItemId, item.shippedQuantity]))).toEqual([
      [
        ['7397', 2],
        ['496', 1],
      ],
      [['7397', 1]],
    ]);
    expect(plan.cancels).toEqual([]);
  });

  it('an unknown item ref falls back to the sku', () => {
    const plan = planComplete(payload([pkg({ items: [{ sku: '132', itemRef: 'gone', quantity: 1 }] })]), seedOrder());
    expect(shippedLines(plan)).toEqual([['7397', 1]]);
    expect(plan.problems).toEqual([]);
  });

  it('never ships more than is open', () => {
    const plan = planComplete(payload([pkg({ items: [{ sku: '132', itemRef: null, quantity: 10 }, { sku: '53', itemRef: null, quantity: 1 }] })]), seedOrder());
    expect(shippedLines(plan)).toEqual([['7397', 3]]);
  });

  it('unshipped refs cancel only the open remainder', () => {
    const order = fabricOrder([{ lineItemId: 'L1', sku: 'A', orderedQuantity: 5, shippedQuantity: 1, cancelledQuantity: 1 }]);
    expect(planComplete(payload([], ['L1']), order)).toEqual({ shipments: [], cancels: [{ lineItemId: 'L1', sku: 'A', itemUnitNumber: 2, quantity: 3 }], problems: [] });
    // A named package item ships part of an unshipped line; the rest is cancelled.
    const plan = planComplete(payload([pkg({ items: [{ sku: null, itemRef: 'L1', quantity: 2 }] })], ['L1']), order);
    expect(shippedLines(plan)).toEqual([['L1', 2]]);
    expect(plan.cancels).toEqual([{ lineItemId: 'L1', sku: 'A', itemUnitNumber: 4, quantity: 1 }]);
  });

  it('reports unknown refs as problems', () => {
    const plan = planComplete(payload([pkg({ items: [{ sku: 'nope', itemRef: 'x1', quantity: 1 }, { sku: 'nope2', itemRef: null, quantity: 1 }] })], ['u1']), seedOrder());
    expect(plan.problems).toEqual([
      { ref: 'u1', reason: 'unshipped item u1 is not on order 496' },
      { ref: 'x1', reason: 'shipped item x1 is not on order 496' },
      { ref: 'nope2', reason: 'shipped item nope2 is not on order 496' },
    ]);
    expect(plan.shipments).toEqual([]);
    expect(plan.cancels).toEqual([]);
  });

  it('a package with nothing left to ship is skipped', () => {
    const plan = planComplete(payload([pkg(), pkg({ packageId: '371' })]), seedOrder());
    expect(plan.shipments.map((shipment) => shipment.shipmentNumber)).toEqual(['RO-100000084-370']);
  });

  it('a second plan after the shipment and cancel were recorded does nothing more', () => {
    const seedPayload = toCompletePayload(orderCompleteRequest.parse(seedInput('000-order-complete')));
    const first = planComplete(seedPayload, seedOrder());
    expect(first.shipments).toHaveLength(1);
    expect(planComplete(seedPayload, record(seedOrder(), first))).toEqual({ shipments: [], cancels: [], problems: [] });
    // Only the shipment was recorded: the retry still cancels, and ships nothing again.
    expect(planComplete(seedPayload, record(seedOrder(), { shipments: first.shipments, cancels: [] }))).toEqual({
      shipments: [],
      cancels: [{ lineItemId: '496', sku: '299', itemUnitNumber: 1, quantity: 1 }],
      problems: [],
    });
  });

  it('a package whose shipment number fabric already holds is not shipped again', () => {
    const named = payload([pkg({ items: [{ sku: null, itemRef: '7397', quantity: 1 }] }), pkg({ packageId: '371', items: [{ sku: null, itemRef: '7397', quantity: 1 }] })]);
    const plan = planComplete(named, seedOrder(), new Set([shipmentNumberFor('100000084', '370')]));
    expect(plan.shipments.map((shipment) => shipment.shipmentNumber)).toEqual(['RO-100000084-371']);
  });

  it('a second plan of named items after the shipment was recorded ships nothing more', () => {
    const named = payload([pkg({ items: [{ sku: null, itemRef: '7397', quantity: 3 }] })]);
    const first = planComplete(named, seedOrder());
    expect(shippedLines(first)).toEqual([['7397', 3]]);
    expect(planComplete(named, record(seedOrder(), first)).shipments).toEqual([]);
  });

  it('a ship item named by sku ships from every line of that sku', () => {
    const order = fabricOrder([
      { lineItemId: 'L1', sku: 'A', orderedQuantity: 1 },
      { lineItemId: 'L2', sku: 'A', orderedQuantity: 1 },
    ]);
    const plan = planComplete(payload([pkg({ items: [{ sku: 'A', itemRef: null, quantity: 2 }] })]), order);
    expect(shippedLines(plan)).toEqual([
      ['L1', 1],
      ['L2', 1],
    ]);
  });

  it('a ship item named by sku ships from the next line when the first is already shipped', () => {
    const order = fabricOrder([
      { lineItemId: 'L1', sku: 'A', orderedQuantity: 1, shippedQuantity: 1 },
      { lineItemId: 'L2', sku: 'A', orderedQuantity: 1 },
    ]);
    const plan = planComplete(payload([pkg({ items: [{ sku: 'A', itemRef: null, quantity: 1 }] })]), order);
    expect(shippedLines(plan)).toEqual([['L2', 1]]);
  });
});
