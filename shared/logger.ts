import { pino, type Logger, type LoggerOptions } from 'pino';
import { activeTracing } from './telemetry/tracing.js';

/** Keys whose values are secrets wherever they appear: RetailOPS tickets and tokens, fabric credentials, auth headers. */
export const SECRET_KEYS = [
  'ticket',
  'token',
  'integration_auth_token',
  'access_token',
  'accessToken',
  'clientSecret',
  'client_secret',
  'password',
  'authorization',
  'cookie',
] as const;

/** Where a logged object can hold them one level down or more: request parts, payloads, configuration, errors. */
const SECRET_CONTAINERS = [
  'req.headers',
  'headers',
  'body',
  'body.headers',
  'payload',
  'payload.headers',
  'data',
  'config',
  'config.fabric',
  'config.admin',
  'fabric',
  'settings',
  'admin',
  'credentials',
  'err',
] as const;

/**
 * Paths censored (never dropped, so that their presence is still visible) in every log line. Explicit paths rather
 * than `*.ticket` wildcards: a wildcard makes pino's redaction copy every field of every line, 13 µs a line here
 * against under 1 µs (docs/performance.md); test/e2e/secrets-in-logs greps a whole run for the secrets.
 */
export const REDACT_PATHS: readonly string[] = [
  ...SECRET_KEYS,
  ...SECRET_CONTAINERS.flatMap((container) => SECRET_KEYS.map((key) => `${container}.${key}`)),
];

export function buildLoggerOptions(level: string, name: string): LoggerOptions {
  // With tracing on (started before the loggers are made), each line logged inside a span carries its trace id.
  const tracing = activeTracing();
  return {
    name,
    level,
    redact: { paths: [...REDACT_PATHS], censor: '[redacted]' },
    base: { service: name },
    timestamp: pino.stdTimeFunctions.isoTime,
    ...(tracing ? { mixin: tracing.logMixin } : {}),
  };
}

export function createLogger(level: string, name: string): Logger {
  return pino(buildLoggerOptions(level, name));
}

export type { Logger };
