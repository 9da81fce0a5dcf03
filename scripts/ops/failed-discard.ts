import type { QueueName } from '../../shared/jobs/contract.js';
import { atMostOnePositional, queueOption, QUEUE_OPTION_HELP, type Command } from './lib/command.js';
import { ACTOR_OPTION, ACTOR_OPTION_HELP, actorOption, runAudited } from './lib/audit-run.js';
import { EXIT, OpsError, UsageError, type OpsDeps } from './lib/core.js';
import { table } from './lib/format.js';
import { findJob, summarize, type JobSummary } from './lib/jobs.js';

/**
 * Removes one job, only if it is failed. The state check and BullMQ's removal are two steps; in between only an
 * operator's retry can move a failed job (workers never touch failed jobs), so do not retry and discard the same
 * job at once.
 */
export async function discardFailed(deps: Pick<OpsDeps, 'queues'>, id: string, queue?: QueueName): Promise<JobSummary> {
  const found = await findJob(deps.queues, id, queue);
  const state = await found.job.getState();
  if (state !== 'failed') {
    throw new OpsError(`job ${id} in queue ${found.queue} is ${state}, not failed: not discarded`, { id, queue: found.queue, state });
  }
  const summary = summarize(found.queue, found.job);
  try {
    await found.job.remove();
  } catch (error) {
    throw new OpsError(`job ${id} in queue ${found.queue} was not discarded: ${error instanceof Error ? error.message : String(error)}`, { id, queue: found.queue });
  }
  return summary;
}

export const failedDiscardCommand: Command = {
  name: 'failed discard',
  summary: 'remove one failed job for good',
  usage: 'failed discard <job-id> [--queue q] [--actor a] [--json]',
  help: `Removes one job that is in the failed state, when it must never run (the order was handled by hand, or
the action no longer makes sense). A job in any other state is refused (exit 1). Its id is free afterwards: the
same webhook delivered again makes a new job. A failure event it produced stays pending for RetailOPS; remove it
with "events clear --id job-<job-id>" if RetailOPS must not see it. Recorded in the audit stream (see: audit) first:
if that cannot be written, nothing is discarded.

Options:
  <job-id>      the failed job (from: failed list); searched in every queue unless --queue is given
  ${QUEUE_OPTION_HELP}
  ${ACTOR_OPTION_HELP}

Example:
  npm run ops -- failed discard cancel-default-21-9c1e…`,
  options: { queue: { type: 'string' }, ...ACTOR_OPTION },
  prepare(input) {
    const id = atMostOnePositional(input, 'job id');
    if (id === undefined) throw new UsageError('give the id of the failed job to discard');
    const queue = queueOption(input);
    const actor = actorOption(input);
    return async (context) => {
      const { deps, out, json } = context;
      const discarded = await runAudited(context, { actor, command: 'failed discard', args: { id, queue: queue ?? null } }, () => discardFailed(deps, id, queue), (job) => ({
        result: 'ok',
        counts: { discarded: 1 },
        message: `${job.queue} ${job.kind} order ${job.refnums.join(',') || '-'}`,
      }));
      if (json) {
        out.out(JSON.stringify({ discarded }, null, 2));
        return EXIT.ok;
      }
      out.out('discarded 1 failed job:');
      out.out(
        table([discarded], [
          { header: 'id', value: (job) => job.id },
          { header: 'queue', value: (job) => job.queue },
          { header: 'kind', value: (job) => job.kind },
          { header: 'order', value: (job) => job.refnums.join(',') },
          { header: 'reason', value: (job) => job.failedReason, max: 100 },
        ]),
      );
      return EXIT.ok;
    };
  },
};
