import type { QueueName } from '../../shared/jobs/contract.js';
import { limitOption, noPositionals, queueOption, QUEUE_OPTION_HELP, stringOption, type Command } from './lib/command.js';
import { EXIT, type OpsDeps } from './lib/core.js';
import { plural, table } from './lib/format.js';
import { selectedQueues, summarize, type JobSummary } from './lib/jobs.js';

export interface FailedListOptions {
  readonly queue?: QueueName;
  /** Only jobs about this RetailOPS order refnum (payload.refnum, or one of payload.refnums). */
  readonly order?: string;
  readonly limit: number;
}

export interface FailedList {
  /** Newest failure first, at most `limit`. */
  readonly jobs: JobSummary[];
  /** How many failed jobs match in all (more than `jobs.length` when the limit cut the list). */
  readonly total: number;
}

const PAGE = 200;

export async function listFailed(deps: Pick<OpsDeps, 'queues'>, options: FailedListOptions): Promise<FailedList> {
  const perQueue = await Promise.all(
    selectedQueues(options.queue).map(async (name) => {
      const queue = deps.queues[name];
      if (options.order === undefined) {
        // Newest first; the `limit` newest of each queue hold the `limit` newest overall.
        const [jobs, total] = await Promise.all([queue.getFailed(0, options.limit - 1), queue.getFailedCount()]);
        return { jobs: jobs.filter(Boolean).map((job) => summarize(name, job)), total };
      }
      // By order: every failed job is looked at (retention bounds them), so the total is exact.
      const matches: JobSummary[] = [];
      for (let start = 0; ; start += PAGE) {
        const page = await queue.getFailed(start, start + PAGE - 1);
        for (const job of page) {
          if (!job) continue;
          const summary = summarize(name, job);
          if (summary.refnums.includes(options.order)) matches.push(summary);
        }
        if (page.length < PAGE) break;
      }
      return { jobs: matches, total: matches.length };
    }),
  );
  const jobs = perQueue
    .flatMap((entry) => entry.jobs)
    .sort((a, b) => (b.finishedOn ?? '').localeCompare(a.finishedOn ?? '') || a.id.localeCompare(b.id))
    .slice(0, options.limit);
  return { jobs, total: perQueue.reduce((sum, entry) => sum + entry.total, 0) };
}

export const failedListCommand: Command = {
  name: 'failed list',
  summary: 'failed jobs, newest first',
  usage: 'failed list [--queue q] [--order refnum] [--limit n] [--json]',
  help: `Jobs in the failed state: they failed permanently (fabric rejected the action) or on their last attempt.
Each has already produced a failure event for RetailOPS (see: events list). Shown: job id, queue, kind, order
refnum(s), RetailOPS client and channel, attempts made, the failure reason and when it failed.

Options:
  ${QUEUE_OPTION_HELP}
  --order r     only jobs about RetailOPS order refnum r (channel_refnum = fabric orderNumber)
  --limit n     at most n jobs (default 50)

Examples:
  npm run ops -- failed list
  npm run ops -- failed list --order 496
  npm run -s ops -- failed list --queue cancel --json`,
  options: { queue: { type: 'string' }, order: { type: 'string' }, limit: { type: 'string' } },
  prepare(input) {
    noPositionals(input);
    const queue = queueOption(input);
    const order = stringOption(input, 'order');
    const limit = limitOption(input, 50);
    return async ({ deps, out, json }) => {
      const result = await listFailed(deps, { ...(queue ? { queue } : {}), ...(order !== undefined ? { order } : {}), limit });
      if (json) {
        out.out(JSON.stringify(result, null, 2));
        return EXIT.ok;
      }
      if (result.jobs.length === 0) {
        out.out(order === undefined ? 'no failed jobs' : `no failed jobs for order ${order}`);
        return EXIT.ok;
      }
      out.out(
        table(result.jobs, [
          { header: 'id', value: (job) => job.id },
          { header: 'queue', value: (job) => job.queue },
          { header: 'kind', value: (job) => job.kind },
          { header: 'order', value: (job) => job.refnums.join(',') },
          { header: 'client', value: (job) => job.client },
          { header: 'channel', value: (job) => job.channel },
          { header: 'attempts', value: (job) => job.attempts, right: true },
          { header: 'failed at', value: (job) => job.finishedOn },
          { header: 'reason', value: (job) => job.failedReason, max: 100 },
        ]),
      );
      if (result.total > result.jobs.length) out.out(`showing ${result.jobs.length} of ${plural(result.total, 'failed job')} (--limit n for more)`);
      return EXIT.ok;
    };
  },
};
