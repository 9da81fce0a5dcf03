import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { toCancelPayload } from '../../ingress/routes/order-cancel.js';
import { JOB_KINDS, jobIdFor, queueOf, stableStringify, type JobKind } from '../../shared/queues.js';
import { orderCancelRequest } from '../../shared/retailops/seed-requests.js';
import { seedInput } from './helpers.js';

const payload = { refnum: '496', lineItems: [{ sku: '132', quantity: 2, removed: false }] };

/** The same object with its keys inserted in reverse order, at every level. */
function reversedKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(reversedKeys);
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).reverse().map(([key, inner]) => [key, reversedKeys(inner)]));
  }
  return value;
}

describe('shared/queues', () => {
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

    it('round-trips through JSON.parse (property)', () => {
      fc.assert(
        fc.property(fc.jsonValue(), (value) => {
          expect(JSON.parse(stableStringify(value))).toEqual(JSON.parse(JSON.stringify(value)));
        }),
      );
    });
  });

  describe('jobIdFor', () => {
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
});
