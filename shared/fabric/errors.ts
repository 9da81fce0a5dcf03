import { EVENT_CODES } from '../events/codes.js';
import { HttpResponseTooLargeError, HttpTimeoutError, type HttpResponse } from './http.js';
import { fabricErrorBodySchema } from './schemas.js';

/**
 * Every way a fabric call can fail, mapped to one outcome: transient failures are retried by BullMQ (honouring
 * Retry-After), permanent ones are not.
 */
export type FailureKind = 'transient' | 'permanent';

export class FabricError extends Error {
  override readonly name = 'FabricError';
  constructor(
    message: string,
    readonly details: {
      readonly status: number | null;
      readonly errorCode: string | null;
      readonly requestUrl: string;
      readonly method: string;
      readonly retryAfterMs: number | null;
      readonly kind: FailureKind;
    },
  ) {
    super(message);
  }

  get status(): number | null {
    return this.details.status;
  }

  get errorCode(): string | null {
    return this.details.errorCode;
  }

  get transient(): boolean {
    return this.details.kind === 'transient';
  }
}

/** fabric's "modified by another request": the same call succeeds when repeated. */
const RETRYABLE_CODES = new Set(['SERVICE-4006']);

export function classifyStatus(status: number, errorCode: string | null): FailureKind {
  if (errorCode !== null && RETRYABLE_CODES.has(errorCode)) return 'transient';
  if (status === 408 || status === 425 || status === 429 || status >= 500) return 'transient';
  return 'permanent';
}

/** Retry-After in seconds or as an HTTP date; null when absent or unreadable. */
export function parseRetryAfter(header: string | null, now = Date.now()): number | null {
  if (header === null || header.trim() === '') return null;
  const seconds = Number(header);
  if (Number.isFinite(seconds)) return Math.max(0, Math.round(seconds * 1000));
  const date = Date.parse(header);
  return Number.isNaN(date) ? null : Math.max(0, date - now);
}

export function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

export function responseError(response: HttpResponse, method: string, url: string): FabricError {
  const { text } = response;
  const body = fabricErrorBodySchema.safeParse(safeJson(text));
  const errorCode = body.success ? (body.data.errorCode ?? null) : null;
  const detail = body.success && body.data.message ? body.data.message : text.slice(0, 200) || response.statusText;
  return new FabricError(`fabric ${method} answered ${response.status}: ${detail}`, {
    status: response.status,
    errorCode,
    requestUrl: url,
    method,
    retryAfterMs: parseRetryAfter(response.header('retry-after')),
    kind: classifyStatus(response.status, errorCode),
  });
}

/**
 * A call that got no usable answer: no answer in time, no connection, or an answer too large to read. `subject`
 * names what was called in the message ('fabric', 'fabric token endpoint').
 */
export function transportError(error: unknown, call: { subject: string; method: string; url: string; timeoutMs: number }): FabricError {
  const cause = error as Error;
  const details = { status: null, requestUrl: call.url, method: call.method, retryAfterMs: null };
  if (cause instanceof HttpResponseTooLargeError) {
    // The same request would bring the same answer: not retried.
    return new FabricError(`${call.subject} answered with a body too large to read (${cause.message})`, { ...details, errorCode: EVENT_CODES.RESPONSE_TOO_LARGE, kind: 'permanent' });
  }
  const timedOut = cause instanceof HttpTimeoutError;
  const message = timedOut ? `${call.subject} did not answer within ${call.timeoutMs} ms` : `${call.subject} unreachable: ${cause.message}`;
  return new FabricError(message, { ...details, errorCode: timedOut ? EVENT_CODES.TIMEOUT : EVENT_CODES.NETWORK_ERROR, kind: 'transient' });
}
