import { z } from 'zod';
import { MoneyFormatError, toDecimal } from '../money.js';
import { RETAILOPS_ID_MESSAGE, retailopsIdOf } from './ids.js';

/**
 * Field types as RetailOPS sends them. The seeds disagree on types ("496" vs 496, "35" vs 35, 0 vs "0"), so each
 * accepts both and normalises once, here.
 */

const MAX_ID_LENGTH = 128;

/** An identifier sent as a string or an integer, kept as a string: "496" and 496 are the same order. */
export const idLike = z
  .union([
    z.string().trim().min(1, 'must not be empty').max(MAX_ID_LENGTH, `must be at most ${MAX_ID_LENGTH} characters`),
    z.number().int('must be an integer').nonnegative().max(Number.MAX_SAFE_INTEGER),
  ])
  .transform((value) => String(value));

/** A RetailOPS client or channel id: digits only, sent as 21 or "21", kept as a normalised string. */
export const retailopsIdLike = z.union([z.string(), z.number()]).transform((value, context) => {
  const id = retailopsIdOf(value);
  if (id !== null) return id;
  context.addIssue({ code: 'custom', message: RETAILOPS_ID_MESSAGE });
  return z.NEVER;
});

/** A count sent as 2 or "2". */
export const countLike = z
  .union([z.number(), z.string().trim().regex(/^\d+$/, 'must be a whole number').transform(Number)])
  .pipe(z.number().int('must be a whole number').min(0, 'must not be negative').max(1_000_000));

/** RetailOPS' 0/1 flags, also sent as "0"/"1" in query strings, or booleans. */
export const flagLike = z
  .union([z.boolean(), z.literal(0), z.literal(1), z.enum(['0', '1', 'true', 'false', ''])])
  .transform((value) => value === true || value === 1 || value === '1' || value === 'true');

/** An amount sent as 35, 30.0 or "35": kept as a decimal string, never a float. */
export const amountLike = z.union([z.number(), z.string().max(40)]).transform((value, context) => {
  try {
    return toDecimal(value);
  } catch (error) {
    context.addIssue({ code: 'custom', message: error instanceof MoneyFormatError ? error.message : 'not an amount' });
    return z.NEVER;
  }
});

/** Arrays in the seeds carry placeholder nulls (`[null]`); they are accepted and dropped. */
export function listOf<T extends z.ZodType>(item: T, max = 1000) {
  return z
    .array(item.nullable())
    .max(max, `must have at most ${max} entries`)
    .transform((values) => values.filter((value) => value !== null) as z.output<T>[]);
}

/** A query-string list (`acks[]=496`) arrives as an array, a lone `acks=496` as a string: both become a list. */
export function queryListOf<T extends z.ZodType>(item: T, max = 1000) {
  return z.preprocess((value) => (Array.isArray(value) || value === undefined ? value : [value]), listOf(item, max));
}

/** RetailOPS' credentials block in the payload (seed 000). */
export const credentialsBlock = z
  .object({
    client_id: retailopsIdLike.optional(),
    ticket: z.string().max(4096).optional(),
  })
  .loose();

export const channelBlock = z.object({ id: retailopsIdLike, params: z.record(z.string(), z.unknown()).optional() }).loose();
