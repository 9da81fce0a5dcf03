import { describe, expect, it } from 'vitest';
import { classifyStatus, FabricError, parseRetryAfter, responseError, safeJson } from '../../shared/fabric/errors.js';
import type { HttpResponse } from '../../shared/fabric/http.js';

describe('shared/fabric/errors', () => {
  describe('classifyStatus', () => {
    it.each([500, 502, 503, 504, 599, 429, 408, 425])('%i is transient', (status) => {
      expect(classifyStatus(status, null)).toBe('transient');
    });

    it.each([400, 401, 403, 404, 409, 412, 422])('%i is permanent', (status) => {
      expect(classifyStatus(status, null)).toBe('permanent');
    });

    it('SERVICE-4006 (modified by another request) is transient whatever the status', () => {
      expect(classifyStatus(409, 'SERVICE-4006')).toBe('transient');
      expect(classifyStatus(400, 'SERVICE-4006')).toBe('transient');
      expect(classifyStatus(400, 'SERVICE-4000')).toBe('permanent');
    });
  });

  describe('parseRetryAfter', () => {
    const now = Date.parse('2024-01-01T00:00:00Z');

    it('reads seconds', () => {
      expect(parseRetryAfter('5', now)).toBe(5000);
      expect(parseRetryAfter('0', now)).toBe(0);
      expect(parseRetryAfter(' 120 ', now)).toBe(120_000);
      expect(parseRetryAfter('1.5', now)).toBe(1500);
      expect(parseRetryAfter('-3', now)).toBe(0);
    });

    it('reads an HTTP date relative to now', () => {
      expect(parseRetryAfter('Mon, 01 Jan 2024 00:00:30 GMT', now)).toBe(30_000);
      expect(parseRetryAfter('Sun, 31 Dec 2023 23:59:00 GMT', now)).toBe(0);
    });

    it.each([null, '', '   ', 'soon', 'Infinity', 'NaN'])('%j → null', (header) => {
      expect(parseRetryAfter(header, now)).toBeNull();
    });
  });

  describe('FabricError and responseError', () => {
    const answer = (status: number, text: string, headers: Record<string, string> = {}): HttpResponse => ({
      status,
      statusText: '',
      text,
      header: (name) => headers[name] ?? null,
    });

    it('exposes status, error code and transience', () => {
      const error = new FabricError('m', { status: 429, errorCode: null, requestUrl: 'x', method: 'GET', retryAfterMs: 5000, kind: 'transient' });
      expect(error).toBeInstanceOf(Error);
      expect(error.name).toBe('FabricError');
      expect([error.status, error.errorCode, error.transient, error.details.retryAfterMs]).toEqual([429, null, true, 5000]);
    });

    it('builds the error from a fabric response', () => {
      const response = answer(409, JSON.stringify({ errorCode: 'SERVICE-4006', message: 'modified' }), { 'retry-after': '2' });
      const error = responseError(response, 'POST', 'https://f/x');
      expect(error.message).toBe('fabric POST answered 409: modified');
      expect(error.details).toEqual({ status: 409, errorCode: 'SERVICE-4006', requestUrl: 'https://f/x', method: 'POST', retryAfterMs: 2000, kind: 'transient' });
    });

    it('falls back to the body text for a non-JSON answer', () => {
      const error = responseError(answer(404, 'not here'), 'GET', 'u');
      expect(error.message).toBe('fabric GET answered 404: not here');
      expect(error.details).toMatchObject({ errorCode: null, retryAfterMs: null, kind: 'permanent' });
    });

    it('safeJson returns undefined for invalid JSON', () => {
      expect(safeJson('{"a":1}')).toEqual({ a: 1 });
      expect(safeJson('{')).toBeUndefined();
    });
  });
});
