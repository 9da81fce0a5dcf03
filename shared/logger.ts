import { pino, type Logger, type LoggerOptions } from 'pino';

/**
 * Paths that may carry secrets anywhere a log line can reach: RetailOPS tickets and tokens, fabric credentials,
 * authorization headers. Censored, never dropped, so that their presence is still visible.
 */
export const REDACT_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'headers.authorization',
  'headers.ticket',
  '*.headers.ticket',
  '*.ticket',
  'ticket',
  'integration_auth_token',
  '*.integration_auth_token',
  'token',
  '*.token',
  'accessToken',
  'access_token',
  '*.access_token',
  'clientSecret',
  '*.clientSecret',
  'fabric.clientSecret',
  '*.fabric.clientSecret',
  'admin.token',
  '*.admin.token',
];

export function buildLoggerOptions(level: string, name: string): LoggerOptions {
  return {
    name,
    level,
    redact: { paths: REDACT_PATHS, censor: '[redacted]' },
    base: { service: name },
    timestamp: pino.stdTimeFunctions.isoTime,
  };
}

export function createLogger(level: string, name: string): Logger {
  return pino(buildLoggerOptions(level, name));
}

export type { Logger };
