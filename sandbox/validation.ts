// Maps zod failures onto fabric's two validation codes: a required field that is absent is
// SERVICE-4003 "missing parameter", anything present but wrong is SERVICE-4002 "invalid value".
import type { z } from 'zod';
import { invalidValue, missingParameter } from './errors.js';

interface FieldProblem {
  field: string;
  message: string;
}

function valueAt(root: unknown, path: readonly PropertyKey[]): unknown {
  let current: unknown = root;
  for (const key of path) {
    if (current === null || typeof current !== 'object') return undefined;
    current = (current as Record<PropertyKey, unknown>)[key];
  }
  return current;
}

export function parseWith<S extends z.ZodType>(schema: S, input: unknown, what: string): z.output<S> {
  const result = schema.safeParse(input);
  if (result.success) return result.data;

  const problems: FieldProblem[] = result.error.issues.map((issue) => ({
    field: issue.path.map(String).join('.') || what,
    message: issue.message,
  }));
  // Missing = the schema wanted a value where the input has none (or the whole body is absent).
  // Custom (refine) issues point at fields that exist, so they are always "invalid".
  const missing = result.error.issues.filter(
    (issue) => issue.code !== 'custom' && valueAt(input, issue.path) === undefined,
  );
  if (missing.length > 0) {
    const fields = missing.map((issue) => issue.path.map(String).join('.') || what).join(', ');
    throw missingParameter(`Missing parameter: ${fields}`, problems);
  }
  const first = problems[0];
  throw invalidValue(first ? `Invalid value for ${first.field}: ${first.message}` : `Invalid ${what}`, problems);
}
