import type { Job } from 'bullmq';
import { EVENT_CODES } from '../events/codes.js';
import type { RedisClient } from '../redis.js';
import { defineScript } from '../redis-script.js';

/**
 * The job was taken back from lost workers more often than WORKER_MAX_STALLS allows (each stall is a worker that died,
 * froze past its lock, or was shut down before the job finished). It fails for good, with a JOB_STALLED event, rather
 * than take more workers down or run on unseen: whether its change reached fabric is for an operator to check.
 */
export class JobStalledError extends Error {
  override readonly name = 'JobStalledError';
  readonly code = EVENT_CODES.JOB_STALLED;
  constructor(readonly stalls: number) {
    super(
      `the job was taken back ${stalls} times from workers lost while running it (killed, frozen past their lock, or stopped ` +
        'before it finished) and was given up; its change may or may not have reached fabric',
    );
  }
}

/**
 * BullMQ's own stall limit fails a job without running the processor, so no failure event could be stored: it is set
 * beyond reach and the processor applies WORKER_MAX_STALLS itself (workers/process-job.ts) before anything else, so a job given up always leaves its event.
 */
export const BULLMQ_MAX_STALLED_COUNT = 1_000_000;

/**
 * Forgets a failed job's stall count (`stc` in BullMQ's job hash; a retry keeps it), so that a retried job gets
 * WORKER_MAX_STALLS again instead of failing at once. Called for JOB_STALLED failures and by `ops failed retry`.
 */
export async function forgetStalls(redis: RedisClient, job: Job): Promise<void> {
  // Only on a job hash that still exists: a job removed meanwhile must not come back as a stray key.
  const reset = defineScript<number>(redis, 'robForgetStalls', 1, "if redis.call('EXISTS', KEYS[1]) == 1 then redis.call('HSET', KEYS[1], 'stc', 0) end return 0");
  await reset([`${job.queueQualifiedName}:${job.id}`], []);
}
