import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseQueryString, redactUrl } from '../../ingress/querystring.js';
import { renderEvents } from '../../shared/events/render.js';
import type { ChannelEvent } from '../../shared/events/event.js';
import { fromMinor, toDecimal, toMinor } from '../../shared/money.js';
import { amountLike, countLike, idLike } from '../../shared/retailops/fields.js';
import { orderCancelRequest, orderUpdateRequest } from '../../shared/retailops/seed-requests.js';
import { jobIdFor, stableStringify } from '../../shared/jobs/contract.js';

/** Property-based tests of the normalisers and parsers every webhook goes through. */
describe('normalisers', () => {
  it('idLike: an integer and its decimal string are the same id', () => {
    fc.assert(fc.property(fc.nat(), (value) => {
        expect(idLike.parse(value)).toBe(idLike.parse(String(value)));
      }));
  });

  it('idLike: any non-blank string up to 128 characters is kept, trimmed; never throws on any input', () => {
    fc.assert(
      fc.property(fc.string({ minLength: 1, maxLength: 128 }).filter((text) => text.trim().length > 0), (text) => {
        expect(idLike.parse(text)).toBe(text.trim());
      }),
    );
    fc.assert(fc.property(fc.anything(), (value) => void idLike.safeParse(value)));
  });

  it('countLike: "n" and n agree for whole numbers; fractions and negatives are refused', () => {
    fc.assert(fc.property(fc.integer({ min: 0, max: 1_000_000 }), (value) => {
        expect(countLike.parse(String(value))).toBe(value);
      }));
    fc.assert(fc.property(fc.integer({ min: -1_000_000, max: -1 }), (value) => {
        expect(countLike.safeParse(value).success).toBe(false);
      }));
  });

  it('amountLike: a number and its text give the same minor units', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 10_000_000 }), fc.integer({ min: 0, max: 99 }), (whole, cents) => {
        const text = `${whole}.${String(cents).padStart(2, '0')}`;
        expect(toMinor(amountLike.parse(text))).toBe(toMinor(amountLike.parse(Number(text))));
        expect(fromMinor(toMinor(text))).toBe(text);
      }),
    );
  });

  it('toDecimal never returns a float-looking artefact for 2-decimal amounts', () => {
    fc.assert(fc.property(fc.integer({ min: 0, max: 99_999_999 }), (cents) => {
        expect(toDecimal(cents / 100)).toMatch(/^\d+(\.\d{1,2})?$/);
      }));
  });
});

describe('parsers', () => {
  it('parseQueryString never throws, returns plain objects and never touches Object.prototype', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 400 }), (query) => {
        const parsed = parseQueryString(query);
        expect(typeof parsed).toBe('object');
        expect((Object.prototype as Record<string, unknown>)['polluted']).toBeUndefined();
      }),
    );
    fc.assert(
      fc.property(fc.constantFrom('__proto__', 'constructor', 'prototype'), fc.string({ maxLength: 10 }), (key, value) => {
        parseQueryString(`${key}[polluted]=${encodeURIComponent(value)}&a[${key}][polluted]=1`);
        expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
      }),
    );
  });

  it('redactUrl leaves no ticket or token value in any URL', () => {
    fc.assert(
      fc.property(fc.stringMatching(/^[A-Za-z0-9_-]{8,40}$/), fc.constantFrom('headers[ticket]', 'headers%5Bticket%5D', 'integration_auth_token', 'token'), (secret, name) => {
        expect(redactUrl(`/orders?a=1&${name}=${secret}&b=2`)).not.toContain(secret);
      }),
    );
  });

  it('request schemas never throw on arbitrary JSON', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        orderCancelRequest.safeParse(value);
        orderUpdateRequest.safeParse(value);
      }),
    );
  });
});

describe('job ids', () => {
  it('do not depend on key order and never contain ":"', () => {
    fc.assert(
      fc.property(fc.dictionary(fc.string({ maxLength: 8 }), fc.jsonValue(), { maxKeys: 6 }), fc.string({ maxLength: 20 }), (payload, client) => {
        const reversed = Object.fromEntries(Object.entries(payload).reverse());
        expect(stableStringify(reversed)).toBe(stableStringify(payload));
        const id = jobIdFor('cancel', client, '21', payload);
        expect(id).toBe(jobIdFor('cancel', client, '21', reversed));
        expect(id).not.toContain(':');
      }),
    );
  });
});

describe('event rendering', () => {
  const event = fc.record({
    id: fc.string({ minLength: 1 }),
    severity: fc.constantFrom('error' as const, 'warning' as const),
    action: fc.string(),
    code: fc.string(),
    message: fc.string(),
    httpStatus: fc.option(fc.integer({ min: 100, max: 599 }), { nil: null }),
    requestUrl: fc.option(fc.webUrl(), { nil: null }),
    associations: fc.array(fc.record({ type: fc.constantFrom('order' as const, 'sku' as const, 'return' as const), id: fc.string() }), { maxLength: 5 }),
    diagnostic: fc.dictionary(fc.string({ maxLength: 8 }), fc.jsonValue(), { maxKeys: 4 }),
    occurredAt: fc.constant('2026-01-01T00:00:00.000Z'),
  });

  it('renders every event in all three dialects as JSON-serialisable objects', () => {
    fc.assert(
      fc.property(fc.array(event, { maxLength: 5 }), (events: ChannelEvent[]) => {
        for (const dialect of ['handle', 'status', 'v1'] as const) {
          const rendered = renderEvents(events, dialect);
          expect(rendered).toHaveLength(events.length);
          expect(() => JSON.stringify(rendered)).not.toThrow();
        }
      }),
    );
  });
});
