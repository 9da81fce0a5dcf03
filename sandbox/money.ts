// fabric sends money as JSON numbers (121.32). Adding those as floats drifts (0.1 + 0.2), so every
// sum the sandbox computes is done in integer cents and turned back into a number once.

/** 1.005 * 100 is 100.49999…; rounding the 4-decimal string first keeps half-cents from flipping down. */
export function toCents(amount: number): number {
  return Math.round(Number((amount * 100).toFixed(4)));
}

export function fromCents(cents: number): number {
  return cents / 100;
}

export function sumAmounts(amounts: readonly number[]): number {
  return fromCents(amounts.reduce((total, amount) => total + toCents(amount), 0));
}

/** unit price × quantity, in cents first so 30.1 × 3 is 90.3 and not 90.30000000000001. */
export function lineAmount(unitPrice: number, quantity: number): number {
  return fromCents(toCents(unitPrice) * quantity);
}
