// fabric's order search: filters on "order.<path>" fields, one sort key, offset paging. Pure, so
// the paging and comparison rules are testable without HTTP.
import { z } from 'zod';
import type { StoredOrder } from './types.js';

const field = z.string().regex(/^order(\.[A-Za-z0-9_]+)+$/, 'field must look like order.<path>');
const scalar = z.union([z.string(), z.number(), z.boolean(), z.null()]);

const filterSchema = z.discriminatedUnion('condition', [
  z.object({ field, condition: z.enum(['EQ', 'NEQ', 'LT', 'GT', 'LTE', 'GTE']), value: scalar }),
  z.object({ field, condition: z.enum(['IN', 'NIN']), values: z.array(scalar) }),
]);

const sortSchema = z.string().regex(/^[+-]?order(\.[A-Za-z0-9_]+)+$/, 'sort must look like +order.<path> or -order.<path>');

export const searchBodySchema = z
  .object({
    filters: z.array(filterSchema).default([]),
    sort: sortSchema.default('+order.createdAt'),
  })
  // A POST without a body searches everything.
  .default({ filters: [], sort: '+order.createdAt' });

export const searchQuerySchema = z.object({
  offset: z.coerce.number().int().min(0).default(0),
  limit: z.coerce.number().int().min(1).max(100).default(10),
});

export type SearchFilter = z.output<typeof filterSchema>;
export type SearchBody = z.output<typeof searchBodySchema>;
export type SearchQuery = z.output<typeof searchQuerySchema>;
type Scalar = z.output<typeof scalar>;

export interface SearchResult {
  data: StoredOrder[];
  pagination: { offset: number; limit: number; count: number };
}

/** Values at a dotted path; arrays fan out, so order.items.sku matches any item's sku. */
function valuesAt(root: unknown, path: readonly string[]): unknown[] {
  if (Array.isArray(root)) return root.flatMap((element) => valuesAt(element, path));
  const [head, ...rest] = path;
  if (head === undefined) return [root];
  if (root === null || typeof root !== 'object') return [];
  return valuesAt((root as Record<string, unknown>)[head], rest);
}

const pathOf = (fieldName: string): string[] => fieldName.split('.').slice(1);

function isNumeric(value: unknown): value is number | string {
  return typeof value === 'number' || (typeof value === 'string' && value.trim() !== '' && Number.isFinite(Number(value)));
}

/** Equality that tolerates "496" vs 496 and "true" vs true, as query strings often carry them. */
function looselyEqual(left: unknown, right: Scalar): boolean {
  if (left === right) return true;
  if (left === null || right === null || typeof left === 'object' || left === undefined) return false;
  return String(left) === String(right);
}

/** Numbers compare as numbers (when both sides are numeric), everything else as strings: ISO dates sort lexically. */
function compare(left: unknown, right: unknown): number | undefined {
  if (left === undefined || left === null || right === undefined || right === null) return undefined;
  if (typeof left === 'object' || typeof right === 'object') return undefined;
  if ((typeof left === 'number' || typeof right === 'number') && isNumeric(left) && isNumeric(right)) {
    return Number(left) - Number(right);
  }
  const a = String(left);
  const b = String(right);
  return a < b ? -1 : a > b ? 1 : 0;
}

function matches(order: StoredOrder, filter: SearchFilter): boolean {
  const values = valuesAt(order, pathOf(filter.field));
  switch (filter.condition) {
    case 'EQ':
      return values.some((value) => looselyEqual(value, filter.value));
    case 'NEQ':
      // A missing field is "not equal", so `attributes.x NEQ true` finds orders never marked.
      return !values.some((value) => looselyEqual(value, filter.value));
    case 'IN':
      return values.some((value) => filter.values.some((wanted) => looselyEqual(value, wanted)));
    case 'NIN':
      return !values.some((value) => filter.values.some((wanted) => looselyEqual(value, wanted)));
    case 'LT':
    case 'GT':
    case 'LTE':
    case 'GTE': {
      const { condition, value: bound } = filter;
      return values.some((value) => {
        const cmp = compare(value, bound);
        if (cmp === undefined) return false;
        if (condition === 'LT') return cmp < 0;
        if (condition === 'GT') return cmp > 0;
        if (condition === 'LTE') return cmp <= 0;
        return cmp >= 0;
      });
    }
  }
}

function sorter(sort: string): (a: StoredOrder, b: StoredOrder) => number {
  const direction = sort.startsWith('-') ? -1 : 1;
  const path = pathOf(sort.replace(/^[+-]/, ''));
  return (a, b) => {
    const left = valuesAt(a, path)[0];
    const right = valuesAt(b, path)[0];
    const cmp = compare(left, right);
    if (cmp !== undefined) return cmp * direction;
    // Orders without the field go last whatever the direction, so they never hide the rest.
    if (left === undefined || left === null) return right === undefined || right === null ? 0 : 1;
    return -1;
  };
}

export function searchOrders(orders: readonly StoredOrder[], body: SearchBody, query: SearchQuery): SearchResult {
  const matching = orders.filter((order) => body.filters.every((filter) => matches(order, filter)));
  // Array.prototype.sort is stable, so ties keep insertion order and pages never overlap.
  matching.sort(sorter(body.sort));
  return {
    data: matching.slice(query.offset, query.offset + query.limit),
    pagination: { offset: query.offset, limit: query.limit, count: matching.length },
  };
}
