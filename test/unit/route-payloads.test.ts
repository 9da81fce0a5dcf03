import { describe, expect, it } from 'vitest';
import { toCancelPayload } from '../../ingress/routes/order-cancel.js';
import { toCompletePayload } from '../../ingress/routes/order-complete.js';
import { toReturnPayload } from '../../ingress/routes/order-returned.js';
import { toUpdatePayload } from '../../ingress/routes/order-update.js';
import { cancelPayloadSchema, completePayloadSchema, returnPayloadSchema, updatePayloadSchema } from '../../shared/jobs/contract.js';
import {
  orderCancelRequest,
  orderCompleteRequest,
  orderReturnedRequest,
  orderUpdateRequest,
} from '../../shared/retailops/seed-requests.js';
import { seedCopy, seedInput } from './helpers.js';

const update = (input: unknown) => toUpdatePayload(orderUpdateRequest.parse(input));
const ret = (input: unknown) => toReturnPayload(orderReturnedRequest.parse(input));
const complete = (input: unknown) => toCompletePayload(orderCompleteRequest.parse(input));
const cancel = (input: unknown) => toCancelPayload(orderCancelRequest.parse(input));

describe('ingress route payloads', () => {
  describe('toUpdatePayload (order-update)', () => {
    it('seed 002 → sku 132 quantity 2 not removed', () => {
      const payload = update(seedInput('002-order-update'));
      expect(payload).toEqual({ refnum: '496', lineItems: [{ sku: '132', quantity: 2, removed: false }] });
      expect(updatePayloadSchema.parse(payload)).toEqual(payload);
    });

    it('defaults removed to false and keeps removed lines', () => {
      const input = seedCopy('002-order-update');
      input.data.line_items = [{ sku: '1', quantity: '3' }, { sku: 2, quantity: 0, removed: '1' }, null];
      expect(update(input).lineItems).toEqual([
        { sku: '1', quantity: 3, removed: false },
        { sku: '2', quantity: 0, removed: true },
      ]);
    });
  });

  describe('toReturnPayload (order-returned)', () => {
    it('seed 004 → return 87 of sku 53', () => {
      const payload = ret(seedInput('004-order-returned'));
      expect(payload).toEqual({
        refnum: '496',
        returnId: '87',
        // The seed's credit item is for sku 132 / item 88, not sku 53 / item 7395: no per-item amount.
        items: [{ sku: '53', quantity: 1, refundAmount: null }],
        // The seed writes 30.0; after JSON.parse it is the number 30, i.e. "30" (the same amount as "30.0").
        totalRefundAmount: '30',
        reason: 'CustomerReturn',
      });
      expect(returnPayloadSchema.parse(payload)).toEqual(payload);
    });

    it('takes the per-item refund from a credit item with the same sku or item id', () => {
      const input = seedCopy('004-order-returned');
      input.data.return.credit_items_ref = [
        { sku: 99, item_credit_amt: '1.50' },
        { channel_item_refnum: 7395, item_credit_amt: 12.5 },
      ];
      expect(ret(input).items).toEqual([{ sku: '53', quantity: 1, refundAmount: '12.5' }]);
      input.data.return.credit_items_ref.push({ sku: '53', item_credit_amt: '9.99' });
      // The first matching credit item wins.
      expect(ret(input).items[0]?.refundAmount).toBe('12.5');
    });

    it('falls back to credit items when the return lists no items', () => {
      const input = seedCopy('004-order-returned');
      input.data.return.items = [null];
      input.data.return.credit_items_ref.push({ channel_item_refnum: 5, quantity: 0, item_credit_amt: 1 });
      input.data.return.credit_items_ref.push({ sku: '77', quantity: 0 });
      expect(ret(input).items).toEqual([
        { sku: '132', quantity: 1, refundAmount: '30' },
        // quantity 0 on a credit item is taken as 1; a credit item without sku is skipped.
        { sku: '77', quantity: 1, refundAmount: null },
      ]);
    });

    it('reason falls back to refund_action, then null; total to null', () => {
      const input = seedCopy('004-order-returned');
      input.data.return.credit_items_ref = [];
      expect(ret(input).reason).toBe('refund');
      delete input.data.return.refund_action;
      delete input.data.return.refund_amt;
      const payload = ret(input);
      expect(payload.reason).toBeNull();
      expect(payload.totalRefundAmount).toBeNull();
    });
  });

  describe('toCompletePayload (order-complete)', () => {
    it('seed 000 → one package, no named items, unshipped item 496', () => {
      const payload = complete(seedInput('000-order-complete'));
      expect(payload).toEqual({
        refnum: '496',
        retailopsOrderId: '4897',
        packages: [
          {
            shipmentId: '100000084',
            packageId: '370',
            carrier: 'WillCall',
            method: 'WillCall Standard',
            trackingNumber: 'ZX29827782929',
            shippedAt: '2016-04-08T21:13:11Z',
            items: [],
          },
        ],
        unshippedItemRefs: ['496'],
      });
      expect(completePayloadSchema.parse(payload)).toEqual(payload);
    });

    it('maps ship items, carrier fallbacks and empty texts', () => {
      const input = seedCopy('000-order-complete');
      const pkg = input.data.order.shipments[0].packages[0];
      pkg.carrier_name = null;
      pkg.carrier_class_name = null;
      pkg.tracking_number = 12345;
      pkg.date_shipped = '';
      pkg.ship_items = [{ sku: 132, quantity: '2' }, { channel_item_refnum: 7397, quantity: 0 }, { channel_refnum: '7395' }, null];
      const [mapped] = complete(input).packages;
      expect(mapped).toMatchObject({ carrier: 'WILLCALL', method: 'Standard', trackingNumber: '12345', shippedAt: null });
      expect(mapped?.items).toEqual([
        { sku: '132', itemRef: null, quantity: 2 },
        { sku: null, itemRef: '7397', quantity: null },
        { sku: null, itemRef: '7395', quantity: null },
      ]);
      expect(completePayloadSchema.safeParse(complete(input)).success).toBe(true);
    });

    it('flattens several shipments and packages; [null] shipments give none', () => {
      const input = seedCopy('000-order-complete');
      const [shipment] = input.data.order.shipments;
      shipment.packages.push({ ...shipment.packages[0], id: 371 });
      input.data.order.shipments.push({ id: 'S2', packages: [{ id: 'P1' }] });
      expect(complete(input).packages.map((pkg) => [pkg.shipmentId, pkg.packageId])).toEqual([
        ['100000084', '370'],
        ['100000084', '371'],
        ['S2', 'P1'],
      ]);
      input.data.order.shipments = [null];
      input.data.order.unshipped_items_ref = [null];
      expect(complete(input)).toMatchObject({ packages: [], unshippedItemRefs: [] });
    });
  });

  describe('toCancelPayload (order-cancel)', () => {
    it.each(['000-orders-cancel', '001-order-cancel'] as const)('seed %s → refnum 496, RetailOPS order 4897', (name) => {
      const payload = cancel(seedInput(name));
      expect(payload).toEqual({ refnum: '496', retailopsOrderId: '4897' });
      expect(cancelPayloadSchema.parse(payload)).toEqual(payload);
    });

    it('retailopsOrderId is null when the order has no id', () => {
      const input = seedCopy('001-order-cancel');
      delete input.data.order.id;
      expect(cancel(input)).toEqual({ refnum: '496', retailopsOrderId: null });
    });
  });
});
