import type { Job } from 'bullmq';
import type { RedisClient } from '../shared/redis.js';

/**
 * This worker no longer holds the job: its lock expired (the process was frozen or cut off from Redis longer than
 * WORKER_LOCK_DURATION_MS) and the job went back to the queue, to another worker or to this one under a new lock.
 * Whatever this attempt read is stale, so it must not change fabric, report, or finish the job.
 */
export class LockLostError extends Error {
  override readonly name = 'LockLostError';
}

/**
 * The fence a worker passes before each change it sends to fabric (CallContext.beforeChange): the job's lock key must
 * still hold this attempt's token. BullMQ renews a lock only while it still holds it and a token is never reused, so
 * holding it now means no other worker has run the job since this attempt read the order. The signal (aborted by
 * workers/start-workers.ts when BullMQ fails to renew the lock) answers without a round trip once the loss is known.
 */
export function jobLockFence(redis: RedisClient, job: Job, token: string | undefined, signal?: AbortSignal): () => Promise<void> {
  // BullMQ's key layout: `<prefix>:<queue>:<jobId>:lock` (Queue#toKey(jobId) + ':lock'), holding the worker's token.
  const lockKey = `${job.queueQualifiedName}:${job.id}:lock`;
  return async () => {
    if (signal?.aborted) throw new LockLostError(`job ${job.id}: lock lost (${String(signal.reason)})`);
    if (token === undefined) return;
    const holder = await redis.get(lockKey);
    if (holder !== token) throw new LockLostError(`job ${job.id}: lock ${holder === null ? 'expired' : 'taken by another worker'}`);
  };
}
