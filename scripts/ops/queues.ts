import { oldestBacklogJob } from '../../shared/metrics-collect.js';
import { QUEUE_NAMES, type QueueName } from '../../shared/jobs/contract.js';
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
  /**
   * Age in whole seconds of the oldest job not yet done: waiting, paused, prioritized, or delayed (a retry during a
   * fabric outage, a job parked in its order lane), counted from when it was due; 0 when none. The same reading as
   * the `rob_queue_oldest_waiting_job_age_seconds` metric.
   */
  readonly backlogAgeSeconds: number;
  readonly oldestBacklogJobId: string | null;
}

export async function queueReports(deps: Pick<OpsDeps, 'queues' | 'redis' | 'now'>, only?: QueueName): Promise<QueueReport[]> {
  const now = deps.now?.() ?? Date.now();
  return Promise.all(
    selectedQueues(only).map(async (name): Promise<QueueReport> => {
      const queue = deps.queues[name];
      const [raw, isPaused, oldest] = await Promise.all([
        queue.getJobCounts('waiting', 'active', 'delayed', 'prioritized', 'completed', 'failed'),
        queue.isPaused(),
        oldestBacklogJob(deps.redis, queue),
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
        backlogAgeSeconds: oldest ? Math.max(0, Math.floor((now - oldest.dueAt) / 1000)) : 0,
        oldestBacklogJobId: oldest?.jobId ?? null,
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
oldest job not yet done (waiting, paused, prioritized, or delayed by retries or its order lane) was due, in
seconds (0 when nothing is pending). A backlog age that keeps growing means the workers do not keep up, none
runs for that queue, or fabric keeps failing (jobs wait in delayed): see docs/operations.md's runbooks.

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
