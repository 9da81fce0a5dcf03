// Every error the ingress answers with, defined once with its code and status. The error handler renders them as
// `{error, code, issues?}`; docs/errors.md lists the same codes (a test keeps the two in sync).
import createError from '@fastify/error';

export const UnauthorizedError = createError<[string]>('ROB_UNAUTHORIZED', 'Unauthorized: %s', 401);
export const ValidationError = createError<[string]>('ROB_VALIDATION', 'Invalid request: %s', 400);
export const ChannelNotConfiguredError = createError<[string]>('ROB_CHANNEL_UNKNOWN', 'Unknown channel: %s', 400);
export const InvalidJsonError = createError<[string]>('ROB_INVALID_JSON', 'Invalid JSON: %s', 400);
export const RateLimitedError = createError<[string]>('ROB_RATE_LIMITED', 'Too many requests: %s', 429);
export const OverloadedError = createError<[string]>('ROB_OVERLOADED', 'Service overloaded: %s', 503);
export const QueueUnavailableError = createError<[string]>('ROB_QUEUE_UNAVAILABLE', 'Service unavailable: %s', 503);
