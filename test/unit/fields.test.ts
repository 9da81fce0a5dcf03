import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { amountLike, channelBlock, countLike, credentialsBlock, flagLike, idLike, listOf, queryListOf } from '../../shared/retailops/fields.js';

const ok = <S extends z.ZodType>(schema: S, value: unknown) => {
  const result = schema.safeParse(value);
  if (!result.success) throw new Error(`expected ${JSON.stringify(value)} to parse: ${result.error.message}`);
  return result.data as z.output<S>;
};
const fails = (schema: z.ZodType, value: unknown) => schema.safeParse(value).success === false;

describe('shared/retailops/fields', () => {
  describe('idLike', () => {
    it('keeps "496" and 496 as the same string id', () => {
      expect(ok(idLike, '496')).toBe('496');
      expect(ok(idLike, 496)).toBe('496');
      expect(ok(idLike, 0)).toBe('0');
      expect(ok(idLike, ' 496 ')).toBe('496');
      expect(ok(idLike, 'return_item 90')).toBe('return_item 90');
    });

    it.each([
      ['empty string', ''],
      ['blank string', '   '],
      ['float', 1.5],
      ['negative', -1],
      ['unsafe integer', Number.MAX_SAFE_INTEGER + 2],
      ['NaN', Number.NaN],
      ['null', null],
      ['boolean', true],
      ['object', { id: 1 }],
      ['too long', 'x'.repeat(129)],
    ])('rejects %s', (_label, value) => {
      expect(fails(idLike, value)).toBe(true);
    });

    it('accepts exactly 128 characters', () => {
      expect(ok(idLike, 'x'.repeat(128))).toHaveLength(128);
    });
  });

  describe('countLike', () => {
    it('accepts 2 and "2"', () => {
      expect(ok(countLike, 2)).toBe(2);
      expect(ok(countLike, '2')).toBe(2);
      expect(ok(countLike, ' 0 ')).toBe(0);
      expect(ok(countLike, 1_000_000)).toBe(1_000_000);
    });

    it.each([-1, '-1', 1.5, '1.5', '', 'two', '1e3', 1_000_001, null])('rejects %j', (value) => {
      expect(fails(countLike, value)).toBe(true);
    });
  });

  describe('flagLike', () => {
    it.each([
      [1, true],
      [0, false],
      ['1', true],
      ['0', false],
      [true, true],
      [false, false],
      ['true', true],
      ['false', false],
      ['', false],
    ] as const)('%j → %s', (value, expected) => {
      expect(ok(flagLike, value)).toBe(expected);
    });

    it.each([2, -1, 'yes', 'on', null])('rejects %j', (value) => {
      expect(fails(flagLike, value)).toBe(true);
    });
  });

  describe('amountLike', () => {
    it('keeps amounts as decimal strings', () => {
      expect(ok(amountLike, 35)).toBe('35');
      expect(ok(amountLike, '35')).toBe('35');
      // 30.0 written in JSON arrives as the number 30; written as a string it keeps its text.
      expect(ok(amountLike, 30.0)).toBe('30');
      expect(ok(amountLike, '30.0')).toBe('30.0');
      expect(ok(amountLike, 0.07)).toBe('0.07');
      expect(ok(amountLike, '-5.25')).toBe('-5.25');
    });

    it('rejects what is not an amount, with a readable issue', () => {
      const result = amountLike.safeParse('abc');
      expect(result.success).toBe(false);
      expect(result.error?.issues[0]?.message).toMatch(/not a decimal amount/);
      expect(fails(amountLike, '1e5')).toBe(true);
      expect(fails(amountLike, Number.NaN)).toBe(true);
      expect(fails(amountLike, Number.POSITIVE_INFINITY)).toBe(true);
      expect(fails(amountLike, 'x'.repeat(41))).toBe(true);
      expect(fails(amountLike, null)).toBe(true);
    });
  });

  describe('listOf', () => {
    it('drops placeholder nulls', () => {
      expect(ok(listOf(idLike), [null])).toEqual([]);
      expect(ok(listOf(idLike), ['1', null, 2])).toEqual(['1', '2']);
    });

    it('still validates the entries and names the failing index', () => {
      const result = listOf(idLike).safeParse(['1', '']);
      expect(result.success).toBe(false);
      expect(result.error?.issues[0]?.path).toEqual([1]);
    });

    it('enforces the maximum', () => {
      expect(fails(listOf(idLike, 2), ['1', '2', '3'])).toBe(true);
      expect(fails(listOf(idLike), '1')).toBe(true);
    });
  });

  describe('queryListOf', () => {
    it('turns a lone value into a list', () => {
      expect(ok(queryListOf(idLike), '496')).toEqual(['496']);
      expect(ok(queryListOf(idLike), ['496', '497'])).toEqual(['496', '497']);
      expect(ok(queryListOf(idLike), 496)).toEqual(['496']);
    });

    it('leaves undefined to fail as missing', () => {
      expect(fails(queryListOf(idLike), undefined)).toBe(true);
      expect(ok(queryListOf(idLike).optional(), undefined)).toBeUndefined();
    });
  });

  describe('blocks', () => {
    it('credentialsBlock normalises client_id and keeps unknown fields', () => {
      expect(ok(credentialsBlock, { client_id: 497, ticket: 't', other: 1 })).toEqual({ client_id: '497', ticket: 't', other: 1 });
    });

    it('channelBlock requires an id', () => {
      expect(ok(channelBlock, { id: 21 })).toEqual({ id: '21' });
      expect(fails(channelBlock, { params: {} })).toBe(true);
    });
  });
});
