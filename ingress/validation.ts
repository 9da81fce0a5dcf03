import type { z } from 'zod';
import { ValidationError } from './errors.js';

export interface ValidationIssue {
  readonly path: string;
  readonly message: string;
}

export function issuesOf(error: z.ZodError): ValidationIssue[] {
  return error.issues.slice(0, 50).map((issue) => ({ path: issue.path.join('.') || '(root)', message: issue.message }));
}

/**
 * The 400 ROB_VALIDATION: each issue in the message, for the log line, and as `issues`, which the error handler
 * answers so the caller can tell which field to fix.
 */
export function validationError(issues: readonly ValidationIssue[]): Error & { readonly issues: readonly ValidationIssue[] } {
  return Object.assign(new ValidationError(issues.map((issue) => `${issue.path}: ${issue.message}`).join('; ')), { issues });
}
