import type { Job, JobType } from 'bullmq';
import { isAccepted, type AcceptedEntry } from '../../shared/archive/webhook-archive.js';
import type { ChannelEvent } from '../../shared/events/event.js';
import { QUEUE_NAMES, type QueueName } from '../../shared/jobs/contract.js';
import { cliArchive } from './lib/archive.js';
import { limitOption, stringOption, atMostOnePositional, type Command } from './lib/command.js';
import { EXIT, UsageError, type OpsDeps } from './lib/core.js';
import { isoTime, plural, table } from './lib/format.js';
import { refnumsOf } from './lib/jobs.js';

/** The job lists scanned, every state a job of an order can be in. */
const STATES: readonly JobType[] = ['active', 'waiting', 'prioritized', 'delayed', 'completed', 'failed'];
const PAGE = 200;

export interface OrderJob {
  readonly id: string;
  readonly queue: QueueName;
  readonly kind: string;
  readonly state: string;
  readonly requestId: string | null;
  readonly binding: string | null;
  readonly createdAt: string | null;
  readonly processedOn: string | null;
  readonly finishedOn: string | null;
  /** Attempts made; the failed ones' errors, oldest first (BullMQ's stacktrace, first lines). */
  readonly attempts: number;
  readonly attemptErrors: string[];
  readonly failedReason: string | null;
  /** What the handler returned on success: its outcome and fabricCalls (workers/process-job.ts). */
  readonly returnvalue: unknown;
  readonly fabricCalls: number | null;
}

export interface TimelineItem {
  readonly at: string;
  readonly what: string;
  readonly detail: string;
}

export interface OrderReport {
  readonly order: string;
  readonly binding: string | null;
  readonly webhooks: { id: string; entry: AcceptedEntry }[];
  readonly jobs: OrderJob[];
  /** Failure events about the order still waiting for RetailOPS (delivered ones are no longer stored). */
  readonly pendingEvents: ChannelEvent[];
  readonly timeline: TimelineItem[];
  /** How many archive entries and jobs were read, and whether a cap stopped either scan. */
  readonly scanned: { archive: number; archiveCapped: boolean; jobs: number; jobsCapped: boolean };
}

function record(value: unknown): Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
}

function firstLine(text: string): string {
  return text.split('\n')[0] ?? '';
}

function toOrderJob(queue: QueueName, job: Job, state: string): OrderJob {
  const data = record(job.data);
  const meta = record(data['meta']);
  const returned = record(job.returnvalue);
  return {
    id: job.id ?? '',
    queue,
    kind: typeof data['kind'] === 'string' ? data['kind'] : job.name,
    state,
    requestId: typeof meta['requestId'] === 'string' ? meta['requestId'] : null,
    binding: typeof meta['bindingKey'] === 'string' ? meta['bindingKey'] : null,
    createdAt: isoTime(job.timestamp),
    processedOn: isoTime(job.processedOn),
    finishedOn: isoTime(job.finishedOn),
    attempts: job.attemptsMade,
    attemptErrors: (job.stacktrace ?? []).filter(Boolean).map(firstLine),
    failedReason: job.failedReason ? job.failedReason : null,
    returnvalue: job.returnvalue ?? null,
    fabricCalls: typeof returned['fabricCalls'] === 'number' ? returned['fabricCalls'] : null,
  };
}

/** The jobs naming `order`, reading at most `cap` jobs in all; scans each queue's lists newest first. */
async function findJobs(deps: Pick<OpsDeps, 'queues'>, order: string, binding: string | undefined, cap: number): Promise<{ jobs: OrderJob[]; scanned: number; capped: boolean }> {
  const jobs: OrderJob[] = [];
  let scanned = 0;
  for (const name of QUEUE_NAMES) {
    const queue = deps.queues[name];
    for (const state of STATES) {
      for (let start = 0; ; start += PAGE) {
        const room = cap - scanned;
        if (room <= 0) return { jobs, scanned, capped: true };
        const page = await queue.getJobs([state], start, start + Math.min(PAGE, room) - 1);
        scanned += page.length;
        for (const job of page) {
          if (!job || !refnumsOf(job.data).includes(order)) continue;
          if (binding !== undefined && record(record(job.data)['meta'])['bindingKey'] !== binding) continue;
          if (!jobs.some((seen) => seen.queue === name && seen.id === job.id)) jobs.push(toOrderJob(name, job, state));
        }
        if (page.length < Math.min(PAGE, room)) break;
      }
    }
  }
  return { jobs, scanned, capped: false };
}

function timelineOf(report: Omit<OrderReport, 'timeline'>): TimelineItem[] {
  const items: TimelineItem[] = [];
  for (const { entry } of report.webhooks) {
    items.push({ at: entry.receivedAt, what: 'webhook', detail: `${entry.route} request ${entry.requestId} (client ${entry.client}, channel ${entry.channel}) → ${entry.jobIds.length ? entry.jobIds.join(', ') : 'no job'}` });
  }
  for (const job of report.jobs) {
    if (job.createdAt) items.push({ at: job.createdAt, what: 'job queued', detail: `${job.id} (${job.kind}, request ${job.requestId ?? '?'})` });
    if (job.processedOn) items.push({ at: job.processedOn, what: 'job started', detail: `${job.id}: last attempt (${job.attempts} made)` });
    job.attemptErrors.forEach((error, index) => items.push({ at: job.processedOn ?? job.createdAt ?? '', what: 'attempt failed', detail: `${job.id} attempt ${index + 1}: ${error}` }));
    if (job.finishedOn) {
      const outcome = job.state === 'failed' ? `failed: ${job.failedReason ?? '?'}` : `done: ${JSON.stringify(job.returnvalue)}`;
      items.push({ at: job.finishedOn, what: job.state === 'failed' ? 'job failed' : 'job completed', detail: `${job.id} after ${plural(job.attempts, 'attempt')}, ${job.fabricCalls ?? '?'} fabric calls; ${outcome}` });
    }
  }
  for (const event of report.pendingEvents) items.push({ at: event.occurredAt, what: 'event pending', detail: `${event.code}: ${event.message}` });
  return items.sort((a, b) => a.at.localeCompare(b.at));
}

export async function orderTimeline(deps: Pick<OpsDeps, 'queues' | 'redis' | 'prefix' | 'events' | 'now'>, order: string, options: { binding?: string; scanLimit: number }): Promise<OrderReport> {
  const [archived, found] = await Promise.all([
    cliArchive(deps).forOrder(order, options.binding, options.scanLimit),
    findJobs(deps, order, options.binding, options.scanLimit),
  ]);
  const webhooks = archived.entries.flatMap(({ id, entry }) => (isAccepted(entry) ? [{ id, entry }] : []));
  // Pending events of the scopes the order's webhooks and jobs came from, those whose associations name it.
  const scopes = new Map<string, { clientId: string; channelId: string }>();
  for (const { entry } of webhooks) scopes.set(`${entry.client}\n${entry.channel}`, { clientId: entry.client, channelId: entry.channel });
  const pendingEvents = (await Promise.all([...scopes.values()].map((scope) => deps.events.peek(scope))))
    .flat()
    .filter((event) => (event.associations ?? []).some((association) => (association.type === 'order' || association.type === 'order_refnum') && association.id === order));
  const partial = {
    order,
    binding: options.binding ?? null,
    webhooks,
    jobs: found.jobs,
    pendingEvents,
    scanned: { archive: archived.scanned, archiveCapped: archived.capped, jobs: found.scanned, jobsCapped: found.capped },
  };
  return { ...partial, timeline: timelineOf(partial) };
}

export const orderCommand: Command = {
  name: 'order',
  summary: 'everything that happened to one order, in time order',
  usage: 'order <refnum> [--binding key] [--limit n] [--json]',
  help: `The history of RetailOPS order refnum (channel_refnum = fabric orderNumber): the webhooks received for it
(from the webhook archive), the jobs naming it in every state (queued, running, delayed, completed, failed) with
their attempts, failure reasons, outcomes and fabric call counts, and its failure events still pending for
RetailOPS; then one timeline of all of it, oldest first. Completed jobs are kept DEDUP_WINDOW_SECONDS and failed
ones FAILED_RETENTION_SECONDS; archived webhooks WEBHOOK_ARCHIVE_DAYS.

The jobs are found by reading each queue's job lists (job ids do not name the order): at most --limit jobs, and
as many archive entries, are read; the report says when a cap stopped a scan.

Options:
  --binding k   only webhooks and jobs of channel binding k
  --limit n     read at most n jobs and n archive entries (default 10000)

Examples:
  npm run ops -- order 496
  npm run -s ops -- order 496 --binding default --json`,
  options: { binding: { type: 'string' }, limit: { type: 'string' } },
  prepare(input) {
    const order = atMostOnePositional(input, 'order');
    if (order === undefined) throw new UsageError('name the order: order <refnum>');
    const binding = stringOption(input, 'binding');
    const scanLimit = limitOption(input, 10_000, 1_000_000);
    return async ({ deps, out, json }) => {
      const report = await orderTimeline(deps, order, { ...(binding !== undefined ? { binding } : {}), scanLimit });
      if (json) {
        out.out(JSON.stringify(report, null, 2));
        return EXIT.ok;
      }
      if (report.timeline.length === 0) out.out(`nothing stored about order ${order}`);
      else out.out(table(report.timeline, [
        { header: 'at', value: (item) => item.at },
        { header: 'what', value: (item) => item.what },
        { header: 'detail', value: (item) => item.detail, max: 160 },
      ]));
      out.out(`${plural(report.webhooks.length, 'webhook')}, ${plural(report.jobs.length, 'job')}, ${plural(report.pendingEvents.length, 'pending event')}`);
      if (report.scanned.jobsCapped || report.scanned.archiveCapped) out.out(`scan capped after ${report.scanned.jobs} jobs / ${report.scanned.archive} archive entries: --limit n to read more`);
      return EXIT.ok;
    };
  },
};
