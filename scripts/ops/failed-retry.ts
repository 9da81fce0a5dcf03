import type { Job } from 'bullmq';
import { forgetStalls } from '../../shared/jobs/stalls.js';
import type { QueueName } from '../../shared/jobs/contract.js';
import type { RedisClient } from '../../shared/redis.js';
import { atMostOnePositional, queueOption, QUEUE_OPTION_HELP, type Command } from './lib/command.js';
import { ACTOR_OPTION, ACTOR_OPTION_HELP, actorOption, runAudited } from './lib/audit-run.js';
import { EXIT, OpsError, UsageError, type OpsDeps } from './lib/core.js';
import { plural, table } from './lib/format.js';
import { findJob, selectedQueues, summarize, type JobSummary } from './lib/jobs.js';

export type RetryTarget = { readonly id: string; readonly queue?: QueueName } | { readonly all: true; readonly queue?: QueueName };

export interface RetryFailure {
  readonly id: string;
  readonly queue: QueueName;
  readonly error: string;
}

export interface RetryReport {
  /** Moved from failed back to waiting, with their attempts reset; what they were before the retry. */
  readonly retried: JobSummary[];
  /** Failed jobs that could not be retried; they stay where they were (nothing is removed). */
  readonly failures: RetryFailure[];
}

/**
 * BullMQ's retry moves the job from the failed set to the wait list in one Redis script that first checks it is
 * in the failed set: a job is either retried or left as it was, never lost. Attempts are reset, so the job gets
 * JOB_ATTEMPTS tries with backoff again (after a fabric outage, one try would fail at the first hiccup).
 */
async function retryOne(redis: RedisClient, queue: QueueName, job: Job): Promise<JobSummary> {
  const before = summarize(queue, job);
  // A job failed on its stalls (JOB_STALLED) would otherwise fail again at once: BullMQ's retry keeps the count.
  await forgetStalls(redis, job);
  await job.retry('failed', { resetAttemptsMade: true, resetAttemptsStarted: true });
  return before;
}

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

export async function retryFailed(deps: Pick<OpsDeps, 'queues' | 'redis'>, target: RetryTarget): Promise<RetryReport> {
  if (!('all' in target)) {
    const { queue, job } = await findJob(deps.queues, target.id, target.queue);
    const state = await job.getState();
    if (state !== 'failed') {
      throw new OpsError(`job ${target.id} in queue ${queue} is ${state}, not failed: nothing to retry`, { id: target.id, queue, state });
    }
    try {
      return { retried: [await retryOne(deps.redis, queue, job)], failures: [] };
    } catch (error) {
      throw new OpsError(`job ${target.id} in queue ${queue} was not retried: ${message(error)}`, { id: target.id, queue });
    }
  }
  const retried: JobSummary[] = [];
  const failures: RetryFailure[] = [];
  for (const name of selectedQueues(target.queue)) {
    const queue = deps.queues[name];
    // The ids first, oldest failure first: retrying while paging through the failed set would skip jobs.
    const ids = await queue.getRanges(['failed'], 0, -1, true);
    for (const id of ids) {
      const job = await queue.getJob(id);
      if (!job) continue; // removed meanwhile (retention, or another operator): nothing to retry
      try {
        retried.push(await retryOne(deps.redis, name, job));
      } catch (error) {
        failures.push({ id, queue: name, error: message(error) });
      }
    }
  }
  return { retried, failures };
}

export const failedRetryCommand: Command = {
  name: 'failed retry',
  summary: 'move failed jobs back to waiting',
  usage: 'failed retry <job-id> [--queue q] [--actor a] [--json]  |  failed retry --all [--queue q] [--actor a] [--json]',
  help: `Moves a failed job (or every failed job, with --all) back to the wait list, with its attempts reset: a
worker runs it again with the full JOB_ATTEMPTS and backoff. Retry after fixing the cause (fabric back up, the
order fixed in fabric). A job that is not in the failed state is not touched (exit 1). If the job fails again,
it is back in the failed set and RetailOPS gets a failure event once more (unless the first is still pending).
Recorded in the audit stream (see: audit) before anything moves: if that cannot be written, nothing is retried.

Options:
  <job-id>      the job to retry (from: failed list); searched in every queue unless --queue is given
  --all         every failed job (of --queue, or of all queues)
  ${QUEUE_OPTION_HELP}
  ${ACTOR_OPTION_HELP}

Exit codes: 0 all retried, 1 job not found, not failed, or some job not retried (listed), 2 usage error.

Examples:
  npm run ops -- failed retry cancel-497-21-3f2a…
  npm run ops -- failed retry --all --queue cancel`,
  options: { queue: { type: 'string' }, all: { type: 'boolean' }, ...ACTOR_OPTION },
  prepare(input) {
    const id = atMostOnePositional(input, 'job id');
    const all = input.values['all'] === true;
    const queue = queueOption(input);
    if (all && id !== undefined) throw new UsageError('give a job id or --all, not both');
    if (!all && id === undefined) throw new UsageError('give the id of the failed job to retry, or --all');
    const target: RetryTarget = all ? { all: true, ...(queue ? { queue } : {}) } : { id: id as string, ...(queue ? { queue } : {}) };
    const actor = actorOption(input);
    return async (context) => {
      const { deps, out, json } = context;
      const args = all ? { all: true, queue: queue ?? null } : { id, queue: queue ?? null };
      const report = await runAudited(context, { actor, command: 'failed retry', args }, () => retryFailed(deps, target), (result) => ({
        result: result.failures.length > 0 ? 'error' : 'ok',
        ...(result.failures.length > 0 ? { message: `${plural(result.failures.length, 'job')} not retried: ${result.failures.map((failure) => `${failure.id}: ${failure.error}`).join('; ').slice(0, 500)}` } : {}),
        counts: { retried: result.retried.length, notRetried: result.failures.length },
      }));
      const code = report.failures.length > 0 ? EXIT.failure : EXIT.ok;
      if (json) {
        out.out(JSON.stringify(report, null, 2));
        return code;
      }
      if (report.retried.length === 0 && report.failures.length === 0) {
        out.out('no failed jobs to retry');
        return code;
      }
      if (report.retried.length > 0) {
        out.out(`retried ${plural(report.retried.length, 'job')} (back to waiting):`);
        out.out(
          table(report.retried, [
            { header: 'id', value: (job) => job.id },
            { header: 'queue', value: (job) => job.queue },
            { header: 'kind', value: (job) => job.kind },
            { header: 'order', value: (job) => job.refnums.join(',') },
            { header: 'attempts before', value: (job) => job.attempts, right: true },
            { header: 'last reason', value: (job) => job.failedReason, max: 90 },
          ]),
        );
      }
      if (report.failures.length > 0) {
        out.err(`${plural(report.failures.length, 'job')} not retried (left as they were):`);
        out.err(table(report.failures, [
          { header: 'id', value: (failure) => failure.id },
          { header: 'queue', value: (failure) => failure.queue },
          { header: 'error', value: (failure) => failure.error },
        ]));
      }
      return code;
    };
  },
};
