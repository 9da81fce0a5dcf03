/**
 * RetailOPS client and channel ids are integers (seeds and SDK), sent as 21 or "21". Anything else would file its
 * failure events under a scope no caller polls, so it is refused. Leading zeros are dropped: "021" and 21 are one
 * client. Order refnums are not these: they stay free-form (`idLike`).
 */
export function retailopsIdOf(value: unknown): string | null {
  if (typeof value === 'number') return Number.isSafeInteger(value) && value >= 0 ? String(value) : null;
  if (typeof value !== 'string') return null;
  const trimmed = value.trim();
  return /^\d{1,18}$/.test(trimmed) ? BigInt(trimmed).toString() : null;
}

export const RETAILOPS_ID_MESSAGE = 'must be a RetailOPS id: digits only (a number or a string of digits)';
