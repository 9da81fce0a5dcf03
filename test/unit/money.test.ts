import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fromMinor, MoneyFormatError, sumAmounts, toDecimal, toMinor, toWireNumber } from '../../shared/money.js';

/** Canonical two-decimal strings: "0.00", "12.34", "-0.05" (no leading zeros, no "-0.00"). */
const cents = fc.bigInt({ min: -(10n ** 15n), max: 10n ** 15n });
const twoDecimalString = cents.map((units) => fromMinor(units));

describe('shared/money', () => {
  describe('toDecimal', () => {
    it.each([
      ['35', '35'],
      ['30.0', '30.0'],
      [' 12.50 ', '12.50'],
      ['-4.2', '-4.2'],
      [35, '35'],
      [30.5, '30.5'],
      [30.0, '30'],
      [-0.01, '-0.01'],
      [0, '0'],
    ] as const)('%j → %j', (input, expected) => {
      expect(toDecimal(input)).toBe(expected);
    });

    it('renders tiny numbers without exponent notation', () => {
      expect(toDecimal(1e-7)).toBe('0.0000001');
      expect(toDecimal(-1.5e-7)).toBe('-0.00000015');
    });

    it.each(['abc', '1e5', '1E5', '', ' ', '+5', '.5', '5.', '1,000.00', '0x10', '12.3.4', 'NaN', 'Infinity', '--1'])(
      'rejects the string %j',
      (input) => {
        expect(() => toDecimal(input)).toThrow(MoneyFormatError);
      },
    );

    it.each([Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY])('rejects the number %s', (input) => {
      expect(() => toDecimal(input)).toThrow(MoneyFormatError);
    });

    it('names the offending value in the error', () => {
      expect(() => toDecimal('abc')).toThrow(/"abc"/);
    });
  });

  describe('toMinor', () => {
    it.each([
      ['35', 3500n],
      ['30.0', 3000n],
      ['0.01', 1n],
      ['-0.01', -1n],
      ['12.345', 1235n],
      ['12.344', 1234n],
      ['-12.345', -1235n],
      ['0.005', 1n],
      ['0.0049', 0n],
      [30.5, 3050n],
      [0.1 + 0.2, 30n],
    ] as const)('%j → %s (rounds half away from zero)', (input, expected) => {
      expect(toMinor(input)).toBe(expected);
    });

    it('honours the scale', () => {
      expect(toMinor('1.2345', 3)).toBe(1235n);
      expect(toMinor('7.5', 0)).toBe(8n);
      expect(toMinor('7.4', 0)).toBe(7n);
    });

    it('rejects what toDecimal rejects', () => {
      expect(() => toMinor('1e5')).toThrow(MoneyFormatError);
      expect(() => toMinor(Number.NaN)).toThrow(MoneyFormatError);
    });
  });

  describe('fromMinor', () => {
    it.each([
      [0n, '0.00'],
      [1n, '0.01'],
      [-1n, '-0.01'],
      [3500n, '35.00'],
      [-123456n, '-1234.56'],
    ] as const)('%s → %j', (units, expected) => {
      expect(fromMinor(units)).toBe(expected);
    });

    it('renders other scales', () => {
      expect(fromMinor(5n, 0)).toBe('5');
      expect(fromMinor(-5n, 3)).toBe('-0.005');
    });
  });

  describe('fromMinor(toMinor(x)) and toWireNumber', () => {
    it('renders any amount with two decimals, never as -0.00', () => {
      expect(fromMinor(toMinor('35'))).toBe('35.00');
      expect(fromMinor(toMinor(30.5))).toBe('30.50');
      expect(fromMinor(toMinor('-0.005'))).toBe('-0.01');
      expect(fromMinor(toMinor('-0.004'))).toBe('0.00');
    });

    it('turns a decimal string into the JSON number fabric expects', () => {
      expect(toWireNumber('30.0')).toBe(30);
      expect(toWireNumber('121.32')).toBe(121.32);
      expect(JSON.stringify({ amount: toWireNumber('0.07') })).toBe('{"amount":0.07}');
      expect(() => toWireNumber('1e5')).toThrow(MoneyFormatError);
    });
  });

  describe('sumAmounts', () => {
    it('adds mixed strings and numbers exactly', () => {
      expect(sumAmounts(['0.1', '0.2'])).toBe('0.30');
      expect(sumAmounts([0.1, 0.2])).toBe('0.30');
      expect(sumAmounts(['35', 30.5, '-10.25'])).toBe('55.25');
      expect(sumAmounts([])).toBe('0.00');
    });
  });

  describe('properties', () => {
    it('fromMinor(toMinor(x)) round-trips canonical two-decimal strings', () => {
      fc.assert(
        fc.property(twoDecimalString, (text) => {
          expect(fromMinor(toMinor(text))).toBe(text);
        }),
      );
    });

    it('toMinor(fromMinor(n)) is the identity on minor units', () => {
      fc.assert(fc.property(cents, (units) => toMinor(fromMinor(units)) === units));
    });

    it('a sum of many cents amounts equals integer arithmetic', () => {
      fc.assert(
        fc.property(fc.array(fc.integer({ min: -10_000_000, max: 10_000_000 }), { maxLength: 200 }), (values) => {
          const asStrings = values.map((value) => fromMinor(BigInt(value)));
          const expected = fromMinor(BigInt(values.reduce((total, value) => total + value, 0)));
          return sumAmounts(asStrings) === expected;
        }),
      );
    });

    it('a sum of JSON-number cents amounts is exact where float addition is not', () => {
      fc.assert(
        fc.property(fc.array(fc.integer({ min: -99_999, max: 99_999 }), { maxLength: 100 }), (values) => {
          const asNumbers = values.map((value) => Number(fromMinor(BigInt(value))));
          return toMinor(sumAmounts(asNumbers)) === BigInt(values.reduce((total, value) => total + value, 0));
        }),
      );
    });

    it('negation commutes with toMinor', () => {
      fc.assert(
        fc.property(twoDecimalString.filter((text) => !text.startsWith('-') && text !== '0.00'), (text) => toMinor(`-${text}`) === -toMinor(text)),
      );
    });

    it('toWireNumber of a two-decimal string serialises back to the same value', () => {
      fc.assert(
        fc.property(fc.bigInt({ min: -(10n ** 12n), max: 10n ** 12n }), (units) => {
          const text = fromMinor(units);
          return toMinor(String(toWireNumber(text))) === units;
        }),
      );
    });

    it('rejects any string with an exponent', () => {
      fc.assert(
        fc.property(fc.integer({ min: 1, max: 999 }), fc.integer({ min: -20, max: 20 }), fc.constantFrom('e', 'E'), (mantissa, exponent, e) => {
          expect(() => toDecimal(`${mantissa}${e}${exponent}`)).toThrow(MoneyFormatError);
        }),
      );
    });
  });
});
