import type { Queue } from 'bullmq';
import { Cluster } from 'ioredis';
import type { RedisClient } from './redis.js';
import type { Metrics } from './metrics.js';

const STATES = ['waiting', 'active', 'delayed', 'prioritized', 'completed', 'failed'] as const;

/** Reads what only RedisClient knows (queue counts, backlog age, pending events) into the gauges, at scrape time. */
export async function collectQueueMetrics(metrics: Metrics, queues: readonly Queue[], now = Date.now()): Promise<void> {
  await Promise.all(
    queues.map(async (queue) => {
      const counts = await queue.getJobCounts(...STATES);
      for (const state of STATES) metrics.jobs.set({ queue: queue.name, state }, counts[state] ?? 0);
      const [oldest] = await queue.getJobs(['wait'], 0, 0, true);
      metrics.backlogAge.set({ queue: queue.name }, oldest ? Math.max(0, (now - oldest.timestamp) / 1000) : 0);
    }),
  );
}

export async function collectEventMetrics(metrics: Metrics, redis: RedisClient, prefix: string): Promise<void> {
  metrics.eventsPending.reset();
  const pattern = `${prefix}:events:*:order`;
  // SCAN is per node: on a cluster, ask every master (the hash-tagged keys all live on one of them).
  const nodes = redis instanceof Cluster ? redis.nodes('master') : [redis];
  for (const node of nodes) {
    let cursor = '0';
    do {
      const [next, keys] = await node.scan(cursor, 'MATCH', pattern, 'COUNT', 200);
      cursor = next;
      for (const key of keys) {
        const [client = '', channel = ''] = key.slice(prefix.length + ':events:'.length, -':order'.length).split(':');
        metrics.eventsPending.set({ client: decodeURIComponent(client), channel: decodeURIComponent(channel) }, await redis.zcard(key));
      }
    } while (cursor !== '0');
  }
}
