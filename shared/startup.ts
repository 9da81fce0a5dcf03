import { pino, type Logger } from 'pino';
import { ConfigError } from './config.js';
import { buildLoggerOptions } from './logger.js';
import { RedisUnavailableError } from './redis.js';

/**
 * Start failures of `npm start`, `npm run ingress` and `npm run worker`, said in one line that names the variable
 * to change: an operator reads the last line, and it must not be a stack trace.
 */

/**
 * A start failure whose message is complete for an operator: no stack is logged with it. The launcher's own failures
 * (scripts/redis-server.ts) extend it, so that this module needs to know none of them.
 */
export class StartupError extends Error {
  override readonly name: string = 'StartupError';
}

export function portInUse(variable: string, port: number): StartupError {
  return new StartupError(`${variable} ${port} is in use by another process: set ${variable} to a free port`);
}

/** A listen() failure in words: EADDRINUSE names the variable (the port may have been taken since the check). */
export function explainListenError(error: unknown, variable: string, port: number): unknown {
  if (error instanceof Error && 'code' in error && error.code === 'EADDRINUSE') return portInUse(variable, port);
  if (error instanceof Error && 'code' in error && error.code === 'EACCES') {
    return new StartupError(`${variable} ${port} cannot be used without privileges: set ${variable} to a port above 1023`);
  }
  return error;
}

function isExplained(error: unknown): error is Error {
  return error instanceof StartupError || error instanceof ConfigError || error instanceof RedisUnavailableError;
}

/** ConfigError lists one issue a line; a log line holds them joined. */
function oneLine(message: string): string {
  const [head = '', ...items] = message.split('\n').map((line) => line.trim().replace(/^- /, '')).filter((line) => line !== '');
  return items.length === 0 ? head : `${head} ${items.join('; ')}`;
}

/** Logs the failure as one JSON line at `fatal`: the message alone when it explains itself, with the error otherwise. */
export function logStartupFailure(logger: Logger, error: unknown): void {
  if (isExplained(error)) logger.fatal(oneLine(error.message));
  else logger.fatal({ err: error }, `failed to start: ${error instanceof Error ? error.message : String(error)}`);
}

/** A logger for a failure before the configuration could be read: LOG_LEVEL may be the invalid variable. */
export function fallbackLogger(name: string): Logger {
  const level = process.env['LOG_LEVEL'];
  return pino(buildLoggerOptions(level !== undefined && level in pino.levels.values ? level : 'info', name));
}
