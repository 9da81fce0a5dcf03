import { Queue } from 'bullmq';
import { pino } from 'pino';
import type { Config } from '../../../shared/config.js';
import { EventStore } from '../../../shared/events/store.js';
import { InboxStore } from '../../../shared/inbox/store.js';
import { buildLoggerOptions } from '../../../shared/logger.js';
import { closeRedis, createRedis, redisUrlForLog } from '../../../shared/redis.js';
import { QUEUE_NAMES, type QueueName } from '../../../shared/jobs/contract.js';
import { JobQueues } from '../../../shared/jobs/producer.js';
import { OpsError, type OpsDeps, type QueueMap } from './core.js';

export interface OpenDeps extends OpsDeps {
  close(): Promise<void>;
}

/**
 * One Redis connection (REDIS_CLUSTER=true: a cluster connection, as the services use), the queues on it and
 * the stores. The queues never write queue metadata (skipMetasUpdate): the CLI only changes the jobs it is told to
 * (and the metadata's absence is how it tells a Redis the bridge never ran on, lib/target.ts). `unreachableHint`
 * is added to the error when Redis does not answer.
 */
export async function openDeps(config: Config, redisUrl: string, unreachableHint?: string): Promise<OpenDeps> {
  // A connection that fails fast (a CLI must not hang on an unreachable Redis): to one node, or to a cluster. Its
  // errors are reported by the command, not logged.
  const redis = createRedis(redisUrl, 'cli', pino({ level: 'silent' }), 'retailops-bridge-ops', config.redisCluster);
  let lastError: Error | null = null;
  redis.on('error', (error: Error) => void (lastError = error));
  try {
    await redis.connect();
  } catch (error) {
    redis.disconnect();
    const reason = (lastError ?? (error as Error)).message || String(error);
    const hint = unreachableHint ? ` (${unreachableHint})` : '';
    throw new OpsError(`cannot reach Redis at ${redisUrlForLog(redisUrl)}: ${reason}${hint}`, { redisUrl: redisUrlForLog(redisUrl) });
  }
  const queues = Object.fromEntries(
    QUEUE_NAMES.map((name) => {
      const queue = new Queue(name, { connection: redis, prefix: config.queuePrefix, skipMetasUpdate: true });
      queue.on('error', () => undefined); // surfaced by the command that failed
      return [name, queue];
    }),
  ) as Record<QueueName, Queue>;
  // The stores log only what they skip (an unreadable event); that belongs on stderr, never in --json stdout.
  const logger = pino(buildLoggerOptions('warn', 'ops'), pino.destination(2));
  // Every pending event of a scope at once: there are at most maxPending of them.
  const events = new EventStore(redis, { prefix: config.queuePrefix, maxPending: config.events.maxPending, perResponse: config.events.maxPending }, logger);
  const inbox = new InboxStore(redis, config.queuePrefix);
  let jobs: JobQueues | null = null;
  return {
    queues: queues satisfies QueueMap,
    events,
    inbox,
    redis,
    prefix: config.queuePrefix,
    bindings: config.channels.map((binding) => binding.key),
    auditRetentionDays: config.auditRetentionDays,
    jobs: () => (jobs ??= new JobQueues(redis, config, logger)),
    close: async () => {
      await Promise.all(Object.values(queues).map((queue) => queue.close().catch(() => undefined)));
      await jobs?.close().catch(() => undefined);
      await closeRedis(redis);
    },
  };
}
