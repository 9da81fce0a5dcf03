import { Cluster, Redis, type RedisOptions } from 'ioredis';
import type { Logger } from './logger.js';

/**
 * A connection to a single Redis or to a Redis Cluster (REDIS_CLUSTER=true, REDIS_URL naming one node). Every key
 * the service writes starts with the hash-tagged QUEUE_PREFIX, so BullMQ's and the service's multi-key scripts stay
 * in one slot and work the same on both.
 */
export type RedisClient = Redis | Cluster;

/**
 * Three kinds of connection. Two as BullMQ recommends: producers fail fast (no offline queue, so an outage becomes a
 * 503 at once instead of a request hanging on a buffered command), workers wait for Redis forever. The third is the
 * operator CLI's: it connects when told to (lazy) and gives up after a few attempts, so a command never hangs on an
 * unreachable Redis.
 */
export type ConnectionRole = 'producer' | 'worker' | 'cli';

const reconnectForever = (times: number): number => Math.min(times * 200, 2000);

/** Each role's connection options and reconnect policy (null: stop reconnecting, the connection ends). */
const ROLES: Record<ConnectionRole, { readonly options: RedisOptions; readonly retryStrategy: (times: number) => number | null }> = {
  producer: {
    options: { enableOfflineQueue: false, maxRetriesPerRequest: 1, connectTimeout: 2000, enableAutoPipelining: true },
    retryStrategy: reconnectForever,
  },
  worker: { options: { maxRetriesPerRequest: null, enableOfflineQueue: true }, retryStrategy: reconnectForever },
  cli: {
    options: { lazyConnect: true, connectTimeout: 3000, maxRetriesPerRequest: 1 },
    retryStrategy: (times) => (times > 2 ? null : times * 200),
  },
};

export function createRedis(url: string, role: ConnectionRole, logger: Logger, name: string, cluster = false): RedisClient {
  const { options, retryStrategy } = ROLES[role];
  const redis: RedisClient = cluster
    ? new Cluster([nodeOf(url)], {
        ...(options.lazyConnect ? { lazyConnect: true } : {}),
        redisOptions: { ...options, connectionName: name, ...credentialsOf(url) },
        enableOfflineQueue: options.enableOfflineQueue ?? true,
        clusterRetryStrategy: retryStrategy,
      })
    : new Redis(url, { lazyConnect: false, ...options, connectionName: name, retryStrategy });
  let lastError = '';
  redis.on('error', (error: Error) => {
    // ioredis emits one error per reconnect attempt; log each distinct message once per outage.
    if (error.message !== lastError) logger.warn({ err: error, connection: name, url: redisUrlForLog(url) }, 'redis connection error');
    lastError = error.message;
  });
  redis.on('ready', () => {
    if (lastError) logger.info({ connection: name }, 'redis connection restored');
    lastError = '';
  });
  return redis;
}

/** The host and port of a Redis URL: the seed node of a cluster. */
export function nodeOf(url: string): { host: string; port: number } {
  const parsed = new URL(url);
  return { host: parsed.hostname || '127.0.0.1', port: Number(parsed.port || 6379) };
}

/** A Redis URL's username and password, for each node of a cluster. */
export function credentialsOf(url: string): { username?: string; password?: string } {
  const parsed = new URL(url);
  return {
    ...(parsed.username ? { username: decodeURIComponent(parsed.username) } : {}),
    ...(parsed.password ? { password: decodeURIComponent(parsed.password) } : {}),
  };
}

/** A Redis URL fit for a log line or an error message: the password, if any, replaced by `mask`. */
export function redisUrlForLog(url: string, mask = '***'): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return '(unparseable REDIS_URL)';
  }
  if (!parsed.password) return parsed.toString();
  parsed.password = 'x';
  // Set by hand: URL would percent-encode a mask such as "<password>".
  return parsed.toString().replace(':x@', `:${mask}@`);
}

/** The Redis a process is configured with cannot be used at start: the message is one line meant for the operator. */
export class RedisUnavailableError extends Error {
  override readonly name = 'RedisUnavailableError';
}

/** How long a process waits, at start, for its Redis to be ready before it gives up. */
export const STARTUP_CONNECT_TIMEOUT_MS = 10_000;

/** Retrying cannot fix these: fail at once. */
const AUTH_FAILURE = /NOAUTH|WRONGPASS|invalid password|invalid username-password/i;

/**
 * A service's connection (ingress or workers), ready to use: REDIS_URL is required, and only this first connection is
 * bounded (connectAtStartup); a connection that did not come up is closed rather than left retrying.
 */
export async function openServiceRedis(
  url: string | null | undefined,
  role: ConnectionRole,
  logger: Logger,
  name: string,
  cluster = false,
): Promise<RedisClient> {
  if (!url) throw new Error('REDIS_URL is required (npm start provides an embedded Redis)');
  const redis = createRedis(url, role, logger, name, cluster);
  try {
    await connectAtStartup(redis, url);
  } catch (error) {
    redis.disconnect();
    throw error;
  }
  return redis;
}

/**
 * Waits, at start only, until `redis` is ready. A Redis that is not ready within `timeoutMs`, or refuses the
 * credentials, is taken for a configuration mistake: reject with one line naming REDIS_URL rather than retrying for
 * ever (once started, the connections still wait for Redis indefinitely, which is what survives an outage).
 */
export async function connectAtStartup(redis: RedisClient, url: string, timeoutMs = STARTUP_CONNECT_TIMEOUT_MS): Promise<void> {
  const where = `REDIS_URL ${redisUrlForLog(url)}`;
  if (redis.status !== 'ready') {
    await new Promise<void>((resolve, reject) => {
      let lastError = '';
      let connected = false;
      const fail = (message: string): void => {
        cleanup();
        reject(new RedisUnavailableError(message));
      };
      const timer = setTimeout(() => {
        const why = lastError ? ` (${lastError})` : connected ? ' (it accepts connections but is not ready: not Redis, or still loading its data?)' : '';
        fail(`${where} is not reachable${why} after ${timeoutMs / 1000} s: start that Redis or set REDIS_URL to one that runs`);
      }, timeoutMs);
      const onConnect = (): void => void (connected = true);
      const onReady = (): void => {
        cleanup();
        resolve();
      };
      const onError = (error: Error): void => {
        lastError = error.message;
        if (AUTH_FAILURE.test(error.message)) fail(`${where} refused the credentials (${error.message}): fix the user or password in REDIS_URL`);
      };
      const onEnd = (): void => fail(`${where}: the connection was closed before Redis was ready${lastError ? ` (${lastError})` : ''}`);
      const cleanup = (): void => {
        clearTimeout(timer);
        redis.off('connect', onConnect);
        redis.off('ready', onReady);
        redis.off('error', onError);
        redis.off('end', onEnd);
      };
      redis.on('connect', onConnect);
      redis.on('ready', onReady);
      redis.on('error', onError);
      redis.on('end', onEnd);
    });
  }
  // 'ready' comes from ioredis' own INFO check; one command of ours confirms the server accepts them before use.
  try {
    await redis.ping();
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    throw new RedisUnavailableError(`${where} does not accept commands (${message}): check REDIS_URL`);
  }
}

/**
 * An 'error' listener for a BullMQ Queue, Worker or QueueEvents: each of them re-emits every failed reconnect of
 * its connections, so the same message is logged at most once a minute (the connection's owner logs the outage).
 */
export function distinctErrorLogger(log: (error: Error) => void, windowMs = 60_000): (error: Error) => void {
  let last = '';
  let at = 0;
  return (error: Error) => {
    const now = Date.now();
    if (error.message === last && now - at < windowMs) return;
    last = error.message;
    at = now;
    log(error);
  };
}

/** Resolves once the connection is ready, or rejects after `timeoutMs`. */
export async function waitForReady(redis: RedisClient, timeoutMs = 10_000): Promise<void> {
  if (redis.status === 'ready') return;
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => {
      cleanup();
      reject(new Error(`redis not ready after ${timeoutMs} ms (status ${redis.status})`));
    }, timeoutMs);
    const onReady = (): void => {
      cleanup();
      resolve();
    };
    const cleanup = (): void => {
      clearTimeout(timer);
      redis.off('ready', onReady);
    };
    redis.on('ready', onReady);
  });
}

/** Closes without throwing when the connection is already gone. */
export async function closeRedis(redis: RedisClient): Promise<void> {
  if (redis.status === 'end') return;
  try {
    await redis.quit();
  } catch {
    redis.disconnect();
  }
}
