import { Cluster, Redis, type RedisOptions } from 'ioredis';
import type { Logger } from './logger.js';

/**
 * A connection to a single Redis or to a Redis Cluster (REDIS_CLUSTER=true, REDIS_URL naming one node). Every key
 * the service writes starts with the hash-tagged QUEUE_PREFIX, so BullMQ's and the service's multi-key scripts stay
 * in one slot and work the same on both.
 */
export type RedisClient = Redis | Cluster;

/**
 * Two kinds of connection, as BullMQ recommends: producers fail fast (no offline queue, so an outage becomes a
 * 503 at once instead of a request hanging on a buffered command), workers wait for Redis forever.
 */
export type ConnectionRole = 'producer' | 'worker';

export function createRedis(url: string, role: ConnectionRole, logger: Logger, name: string, cluster = false): RedisClient {
  const options: RedisOptions =
    role === 'producer'
      ? { enableOfflineQueue: false, maxRetriesPerRequest: 1, connectTimeout: 2000, enableAutoPipelining: true }
      : { maxRetriesPerRequest: null, enableOfflineQueue: true };
  const retryStrategy = (times: number) => Math.min(times * 200, 2000);
  const redis: RedisClient = cluster
    ? new Cluster([nodeOf(url)], {
        redisOptions: { ...options, connectionName: name, ...credentialsOf(url) },
        enableOfflineQueue: options.enableOfflineQueue ?? true,
        clusterRetryStrategy: retryStrategy,
      })
    : new Redis(url, { ...options, connectionName: name, lazyConnect: false, retryStrategy });
  let lastError = '';
  redis.on('error', (error: Error) => {
    // ioredis emits one error per reconnect attempt; log each distinct message once per outage.
    if (error.message !== lastError) logger.warn({ err: error, connection: name }, 'redis connection error');
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
