import type { Job, Queue } from 'bullmq';
import { QUEUE_NAMES, type QueueName } from '../../shared/queues.js';
import { noPositionals, queueOption, QUEUE_OPTION_HELP, type Command } from './lib/command.js';
import { EXIT, type OpsDeps } from './lib/core.js';
import { table } from './lib/format.js';
import { selectedQueues } from './lib/jobs.js';

export const JOB_STATES = ['waiting', 'active', 'delayed', 'prioritized', 'completed', 'failed', 'paused'] as const;
export type JobState = (typeof JOB_STATES)[number];

export interface QueueReport {
  readonly queue: QueueName;
  readonly counts: Record<JobState, number>;
  /** The queue is paused (Queue.pause): its waiting jobs are counted as `paused`, and no worker takes them. */
  readonly isPaused: boolean;
  /** Age in whole seconds of the oldest job waiting to be taken by a worker (since it was enqueued); 0 when none. */
  readonly backlogAgeSeconds: number;
  readonly oldestWaitingJobId: string | null;
}

/**
 * The oldest job in the wait list. Workers take from one end (the next job, normally the oldest); a retried or
 * promoted job re-enters at the other with its original creation time. Both ends are read, the older one wins.
 */
async function oldestWaiting(queue: Queue): Promise<Job | null> {
  const [next, newest] = await Promise.all([queue.getJobs(['waiting'], 0, 0, true), queue.getJobs(['waiting'], 0, 0, false)]);
  const candidates = [...next, ...newest].filter((job): job is Job => Boolean(job));
  candidates.sort((a, b) => a.timestamp - b.timestamp);
  return candidates[0] ?? null;
}

export async function queueReports(deps: Pick<OpsDeps, 'queues' | 'now'>, only?: QueueName): Promise<QueueReport[]> {
  const now = deps.now?.() ?? Date.now();
  return Promise.all(
    selectedQueues(only).map(async (name): Promise<QueueReport> => {
      const queue = deps.queues[name];
      const [raw, isPaused, oldest] = await Promise.all([
        queue.getJobCounts('waiting', 'active', 'delayed', 'prioritized', 'completed', 'failed'),
        queue.isPaused(),
        oldestWaiting(queue),
      ]);
      const count = (state: Exclude<JobState, 'paused'>): number => raw[state] ?? 0;
      // BullMQ 6 has no paused list: a paused queue keeps its jobs in the wait list and is flagged in its meta
      // hash. Count each job once: in a paused queue, the waiting jobs are the paused ones.
      const counts: Record<JobState, number> = {
        waiting: isPaused ? 0 : count('waiting'),
        active: count('active'),
        delayed: count('delayed'),
        prioritized: count('prioritized'),
        completed: count('completed'),
        failed: count('failed'),
        paused: isPaused ? count('waiting') : 0,
      };
      return {
        queue: name,
        counts,
        isPaused,
        backlogAgeSeconds: oldest ? Math.max(0, Math.floor((now - oldest.timestamp) / 1000)) : 0,
        oldestWaitingJobId: oldest?.id ?? null,
      };
    }),
  );
}

export const queuesCommand: Command = {
  name: 'queues',
  summary: 'job counts per queue and state, and the backlog age',
  usage: 'queues [--queue q] [--json]',
  help: `For each queue (${QUEUE_NAMES.join(', ')}): how many jobs are waiting, active, delayed (a retry's backoff,
or the order sync's next run), prioritized, completed (kept DEDUP_WINDOW_SECONDS), failed (kept
FAILED_RETENTION_SECONDS) and paused (waiting in a paused queue), and the backlog age: how long ago the
oldest waiting job was enqueued, in seconds (0 when nothing waits). A backlog age that keeps growing means
the workers do not keep up, or none runs for that queue.

Options:
  ${QUEUE_OPTION_HELP}

Example:
  npm run ops -- queues
  npm run -s ops -- queues --json | jq '.queues[] | select(.backlogAgeSeconds > 300)'`,
  options: { queue: { type: 'string' } },
  prepare(input) {
    noPositionals(input);
    const only = queueOption(input);
    return async ({ deps, out, json }) => {
      const reports = await queueReports(deps, only);
      if (json) {
        out.out(JSON.stringify({ queues: reports }, null, 2));
        return EXIT.ok;
      }
      out.out(
        table(reports, [
          { header: 'queue', value: (row) => row.queue + (row.isPaused ? ' (paused)' : '') },
          ...JOB_STATES.map((state) => ({ header: state, value: (row: QueueReport) => row.counts[state], right: true })),
          { header: 'backlog age (s)', value: (row) => row.backlogAgeSeconds, right: true },
        ]),
      );
      return EXIT.ok;
    };
  },
};
