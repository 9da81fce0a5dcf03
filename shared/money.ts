// Money stays a decimal string (or integer minor units) end to end. A JSON number from an upstream API is turned
// into its shortest decimal text at the boundary (exact for any value written with up to 15 significant digits),
// and arithmetic happens on bigint minor units, so no binary float ever carries an amount.

const DECIMAL = /^(-)?(\d+)(?:\.(\d+))?$/;

export type Decimal = string;

export class MoneyFormatError extends Error {
  override readonly name = 'MoneyFormatError';
}

/** Accepts "35", "30.0", 35, 30.5 and normalises to a plain decimal string ("35", "30.0", "30.5"). */
export function toDecimal(value: number | string): Decimal {
  const text = typeof value === 'number' ? numberToPlainString(value) : value.trim();
  if (!DECIMAL.test(text)) throw new MoneyFormatError(`not a decimal amount: ${JSON.stringify(value)}`);
  return text;
}

function numberToPlainString(value: number): string {
  if (!Number.isFinite(value)) throw new MoneyFormatError(`not a finite amount: ${value}`);
  const text = String(value);
  if (!/e/i.test(text)) return text;
  // Exponent notation appears below 1e-6 (rendered here without it) and from 1e21 (no amount: toDecimal rejects it).
  return value.toFixed(20).replace(/\.?0+$/, '');
}

/** Integer minor units at `scale` decimals; rounds half away from zero beyond the scale. */
export function toMinor(value: number | string, scale = 2): bigint {
  const match = DECIMAL.exec(toDecimal(value));
  if (!match) throw new MoneyFormatError(`not a decimal amount: ${String(value)}`);
  const [, sign, whole = '0', fraction = ''] = match;
  const padded = (fraction + '0'.repeat(scale + 1)).slice(0, scale + 1);
  let units = BigInt(whole) * 10n ** BigInt(scale) + BigInt(padded.slice(0, scale) || '0');
  if (Number(padded.slice(scale)) >= 5) units += 1n;
  return sign ? -units : units;
}

export function fromMinor(units: bigint, scale = 2): Decimal {
  const negative = units < 0n;
  const digits = (negative ? -units : units).toString().padStart(scale + 1, '0');
  const whole = digits.slice(0, digits.length - scale);
  const fraction = digits.slice(digits.length - scale);
  return `${negative ? '-' : ''}${whole}${scale > 0 ? `.${fraction}` : ''}`;
}

export function sumAmounts(values: ReadonlyArray<number | string>, scale = 2): Decimal {
  return fromMinor(values.reduce<bigint>((total, value) => total + toMinor(value, scale), 0n), scale);
}

/**
 * fabric's wire format takes amounts as JSON numbers. The decimal string is converted only here, at that boundary;
 * for amounts with at most 15 significant digits the JSON text fabric receives equals the decimal string.
 */
export function toWireNumber(value: Decimal): number {
  return Number(toDecimal(value));
}
