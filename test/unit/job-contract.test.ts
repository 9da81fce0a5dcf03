import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { toCancelPayload } from '../../ingress/routes/order-cancel.js';
import { JOB_KINDS, jobDisplayName, jobIdFor, jobLane, jobSkus, laneRefnum, orderRefnums, queueOf, stableStringify, syncJob, type JobKind } from '../../shared/jobs/contract.js';
import { orderCancelRequest } from '../../shared/retailops/seed-requests.js';
import { seedInput } from './helpers.js';

const payload = { refnum: '496', lineItems: [{ sku: '132', quantity: 2, removed: false }] };
const meta = { clientId: '497', channelId: '21', bindingKey: 'acme', requestId: 'r', receivedAt: '2024-01-01T00:00:00.000Z', sourceAction: null };
const scope = { clientId: '497', channelId: '21' };

/** The same object with its keys inserted in reverse order, at every level. */
function reversedKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(reversedKeys);
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).reverse().map(([key, inner]) => [key, reversedKeys(inner)]));
  }
  return value;
}

describe('shared/jobs/contract', () => {
  describe('stableStringify', () => {
    it('sorts object keys at every level and keeps array order', () => {
      expect(stableStringify({ b: 1, a: { d: [3, { z: 1, y: 2 }], c: null } })).toBe('{"a":{"c":null,"d":[3,{"y":2,"z":1}]},"b":1}');
    });

    it('drops undefined properties like JSON.stringify', () => {
      expect(stableStringify({ a: undefined, b: 1 })).toBe('{"b":1}');
      expect(JSON.parse(stableStringify({ a: 'x', n: 1.5, t: true }))).toEqual({ a: 'x', n: 1.5, t: true });
    });

    it('is independent of key order (property)', () => {
      fc.assert(fc.property(fc.jsonValue(), (value) => stableStringify(value) === stableStringify(reversedKeys(value))));
    });

    it('gives what the first implementation gave, for any JSON (property): job ids are made from it', () => {
      // The implementation job ids were first made with; a change of output would change every job id.
      const reference = (value: unknown): string => {
        if (Array.isArray(value)) return `[${value.map(reference).join(',')}]`;
        if (value !== null && typeof value === 'object') {
          const entries = Object.entries(value as Record<string, unknown>)
            .filter(([, inner]) => inner !== undefined)
            .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
          return `{${entries.map(([key, inner]) => `${JSON.stringify(key)}:${reference(inner)}`).join(',')}}`;
        }
        return JSON.stringify(value);
      };
      fc.assert(fc.property(fc.jsonValue(), (value) => stableStringify(value) === reference(value)));
      fc.assert(fc.property(fc.dictionary(fc.string(), fc.option(fc.jsonValue(), { nil: undefined })), (value) => stableStringify(value) === reference(value)));
    });

    it('round-trips through JSON.parse (property)', () => {
      fc.assert(
        fc.property(fc.jsonValue(), (value) => {
          expect(JSON.parse(stableStringify(value))).toEqual(JSON.parse(JSON.stringify(value)));
        }),
      );
    });
  });

  describe('jobIdFor', () => {
    it('makes the ids it always made (redeliveries across a deploy are still recognised)', () => {
      expect(jobIdFor('cancel', '497', '21', { refnum: '496', retailopsOrderId: null })).toBe('cancel-497-21-173e325b2777bc7fcda56d7a9726ac00');
      expect(
        jobIdFor('update', 'c:1', 'ch 2', { refnum: 'R-1', lineItems: [{ sku: 'A', quantity: 0, removed: true }, { sku: 'é', quantity: 2, removed: false }] }),
      ).toBe('update-c_1-ch_2-d9b6d2294334ac3e9e94f0d21244b331');
    });

    it('is deterministic', () => {
      expect(jobIdFor('update', '497', '21', payload)).toBe(jobIdFor('update', '497', '21', structuredClone(payload)));
      expect(jobIdFor('update', '497', '21', payload)).toMatch(/^update-497-21-[0-9a-f]{32}$/);
    });

    it('does not depend on object key order', () => {
      const reordered = { lineItems: [{ removed: false, quantity: 2, sku: '132' }], refnum: '496' };
      expect(jobIdFor('update', '497', '21', reordered)).toBe(jobIdFor('update', '497', '21', payload));
    });

    it('differs by kind, client, channel and payload', () => {
      const base = jobIdFor('update', '497', '21', payload);
      const variants = [
        jobIdFor('cancel', '497', '21', payload),
        jobIdFor('update', '498', '21', payload),
        jobIdFor('update', '497', '22', payload),
        jobIdFor('update', '497', '21', { ...payload, refnum: '497' }),
        jobIdFor('update', '497', '21', { ...payload, lineItems: [{ sku: '132', quantity: 1, removed: false }] }),
      ];
      expect(new Set([base, ...variants]).size).toBe(variants.length + 1);
    });

    it('never contains ":" (BullMQ job ids may not)', () => {
      fc.assert(
        fc.property(
          fc.constantFrom(...(Object.keys(JOB_KINDS) as JobKind[])),
          fc.string(),
          fc.string(),
          fc.jsonValue(),
          (kind, clientId, channelId, value) => !jobIdFor(kind, clientId, channelId, value).includes(':'),
        ),
      );
      expect(jobIdFor('cancel', 'a:b', 'c:d', {})).not.toContain(':');
    });

    it('the two cancel routes (seed 000 /orders/cancel, seed 001 /order_cancel) make the same job', () => {
      const viaOrdersCancel = toCancelPayload(orderCancelRequest.parse(seedInput('000-orders-cancel')));
      const viaOrderCancel = toCancelPayload(orderCancelRequest.parse(seedInput('001-order-cancel')));
      expect(viaOrdersCancel).toEqual(viaOrderCancel);
      expect(jobIdFor('cancel', '497', '21', viaOrdersCancel)).toBe(jobIdFor('cancel', '497', '21', viaOrderCancel));
    });

    // The readable prefix of a job id may collide; the digest covers the exact ids, so the id does not.
    it('distinct client/channel pairs never share a job id', () => {
      expect(jobIdFor('cancel', '1-2', '3', { refnum: '496' })).not.toBe(jobIdFor('cancel', '1', '2-3', { refnum: '496' }));
      expect(jobIdFor('cancel', 'a:b', '3', { refnum: '496' })).not.toBe(jobIdFor('cancel', 'a_b', '3', { refnum: '496' }));
    });
  });

  describe('queueOf', () => {
    it('routes each kind to its queue', () => {
      expect(queueOf('order.sync')).toBe('order');
      expect(queueOf('order.ack')).toBe('order');
      expect(queueOf('order.complete')).toBe('order');
      expect(queueOf('cancel')).toBe('cancel');
      expect(queueOf('update')).toBe('update');
      expect(queueOf('return')).toBe('return');
    });
  });

  describe('JOB_KINDS', () => {
    it('names the RetailOPS action of each kind', () => {
      const actions = Object.fromEntries(Object.entries(JOB_KINDS).map(([kind, spec]) => [kind, spec.action]));
      expect(actions).toEqual({
        'order.sync': 'order_sync',
        'order.ack': 'order_ack',
        'order.complete': 'order_complete',
        'order.shipment': 'order_shipment_submit',
        cancel: 'order_cancel',
        update: 'order_update',
        return: 'order_returned',
        'order.settle': 'order_settle_payment',
        'inventory.push': 'inventory_push',
      });
    });

    it('puts the kinds about one order in that order lane, and no other', () => {
      const laned: JobKind[] = ['order.complete', 'order.shipment', 'cancel', 'update', 'return', 'order.settle'];
      for (const kind of laned) {
        expect(laneRefnum(kind, { refnum: '496' })).toBe('496');
        expect(orderRefnums(kind, { refnum: '496' })).toEqual(['496']);
      }
      expect(laneRefnum('order.ack', { refnums: ['1'] })).toBeNull();
      expect(laneRefnum('order.sync', {})).toBeNull();
      // Data read back from Redis that lacks its order leaves no lane to look after.
      expect(laneRefnum('cancel', {})).toBeNull();
    });

    it('puts an inventory part in its inventory lane, names its skus and no order', () => {
      const payload = { pushId: 'p', lane: '3', writes: [1, 2, 3, 4].map((n) => ({ sku: `S${n}`, locationNumber: 1, counters: { onHand: n } })), unknownSku: 'report' };
      expect(jobLane('inventory.push', '497/21', payload)).toEqual({ family: 'inventory', bindingKey: '497/21', id: '3' });
      expect(jobLane('cancel', '497/21', { refnum: '496' })).toEqual({ family: 'order', bindingKey: '497/21', id: '496' });
      expect(jobLane('order.ack', '497/21', { refnums: ['1'], retailopsOrderIds: {} })).toBeNull();
      expect(jobSkus('inventory.push', payload)).toEqual(['S1', 'S2', 'S3', 'S4']);
      expect(orderRefnums('inventory.push', payload)).toEqual([]);
      expect(jobDisplayName('inventory.push', { clientId: '497', channelId: '21' }, payload)).toBe('inventory.push 4 skus (S1, S2, S3, …) (client 497, channel 21)');
    });

    it('reads the orders of an ack, and none of a sync', () => {
      expect(orderRefnums('order.ack', { refnums: ['1', '2'], retailopsOrderIds: {} })).toEqual(['1', '2']);
      expect(orderRefnums('order.sync', {})).toEqual([]);
    });

    it('names jobs by their orders for the dashboard', () => {
      expect(jobDisplayName('cancel', scope, { refnum: '496', retailopsOrderId: null })).toBe('cancel order 496 (client 497, channel 21)');
      expect(jobDisplayName('order.ack', scope, { refnums: ['1', '2', '3', '4', '5', '6'] })).toBe('order.ack orders 1, 2, 3, 4, 5, … (client 497, channel 21)');
      expect(jobDisplayName('order.sync', scope, {})).toBe('order.sync (client 497, channel 21)');
    });

    it('builds the sync job of a binding, one per binding, with its own options', () => {
      const job = syncJob(meta);
      expect(job).toEqual({
        key: 'sync-acme',
        data: { kind: 'order.sync', meta, payload: {} },
        options: { removeOnComplete: true, removeOnFail: 100, attempts: 3 },
      });
      // Each caller may add to its options without changing the next job's.
      (job.options as Record<string, unknown>)['attempts'] = 9;
      expect(syncJob(meta).options.attempts).toBe(3);
    });
  });
});
