import type { Config } from '../../../shared/config.js';
import { QUEUE_NAMES } from '../../../shared/jobs/contract.js';
import { redisUrlForLog } from '../../../shared/redis.js';
import { UsageError, type OpsDeps } from './core.js';

/** The Redis the CLI works on, and whether the operator named it (REDIS_URL) or it is the local default. */
export interface RedisTarget {
  readonly url: string;
  /** false: REDIS_URL was unset and the CLI chose `npm start`'s embedded Redis. */
  readonly fromEnv: boolean;
}

/**
 * The Redis `npm start` runs when REDIS_URL is unset (scripts/start.ts, scripts/redis-server.ts): on 127.0.0.1,
 * port REDIS_PORT (6380, not Redis' usual 6379, so that it never lands on a Redis the machine already runs).
 */
export function embeddedRedisUrl(config: Pick<Config, 'embeddedRedis'>): string {
  return `redis://127.0.0.1:${config.embeddedRedis.port}`;
}

/**
 * REDIS_URL, else `npm start`'s Redis: the CLI run next to `npm start` in a checkout needs no environment. A
 * cluster cannot be guessed (`npm start` never runs one), so REDIS_CLUSTER=true still needs REDIS_URL.
 */
export function redisTarget(config: Pick<Config, 'redisUrl' | 'redisCluster' | 'embeddedRedis'>): RedisTarget {
  if (config.redisUrl) return { url: config.redisUrl, fromEnv: true };
  if (config.redisCluster) {
    throw new UsageError('REDIS_CLUSTER=true needs REDIS_URL (a node of the cluster the services use)');
  }
  return { url: embeddedRedisUrl(config), fromEnv: false };
}

/** The stderr line that says which Redis the CLI chose on its own. */
export function defaultTargetNote(target: RedisTarget, prefix: string): string {
  return `using Redis ${redisUrlForLog(target.url)} (REDIS_URL is unset: the Redis npm start runs, REDIS_PORT), prefix ${prefix}`;
}

/**
 * Whether the bridge has ever run on this Redis under this prefix. Every ingress and worker opens its queues with
 * BullMQ's metadata update, which writes `<prefix>:<queue>:meta`; the CLI opens them without it, so it never
 * creates the keys it looks for. EXISTS per key, not SCAN: on a large shared Redis a SCAN that finds nothing reads
 * every key.
 */
export async function hasBridgeData(deps: Pick<OpsDeps, 'queues' | 'redis'>): Promise<boolean> {
  const found = await Promise.all(QUEUE_NAMES.map((name) => deps.redis.exists(deps.queues[name].keys['meta'] ?? '')));
  return found.some((count) => count > 0);
}

/**
 * Zeros from the wrong Redis look exactly like an idle bridge: say so. `target` is null when the caller handed the
 * CLI its connections (tests, embedding) and so no URL is known.
 */
export function noDataWarning(target: RedisTarget | null, prefix: string, config: Pick<Config, 'embeddedRedis'> | null): string {
  const where = target ? redisUrlForLog(target.url) : 'this Redis';
  const hints = [
    config && (!target || target.url !== embeddedRedisUrl(config)) ? `npm start uses ${embeddedRedisUrl(config)}` : null,
    'the services use their REDIS_URL and QUEUE_PREFIX',
  ].filter((hint): hint is string => hint !== null);
  return `warning: no retailops-bridge data found at ${where} under prefix ${prefix}: is this the right Redis? (${hints.join('; ')})`;
}
