import type { Job } from 'bullmq';
import { QUEUE_NAMES, type QueueName } from '../../../shared/jobs/contract.js';
import { isoTime } from './format.js';
import { OpsError, type QueueMap } from './core.js';

/** A job as operators see it: what, for which order and client, and how it ended. */
export interface JobSummary {
  readonly id: string;
  readonly queue: QueueName;
  /** data.kind: the job kind (cancel, order.complete, …); job.name is the display name. */
  readonly kind: string;
  /** The RetailOPS order refnums it is about: payload.refnum, or payload.refnums for an ack. */
  readonly refnums: string[];
  readonly client: string | null;
  readonly channel: string | null;
  /** Attempts made (BullMQ attemptsMade). */
  readonly attempts: number;
  readonly failedReason: string | null;
  /** ISO time the job last finished (failed or completed); null while it has not. */
  readonly finishedOn: string | null;
}

function record(value: unknown): Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
}

function idText(value: unknown): string | null {
  return typeof value === 'string' ? value : typeof value === 'number' ? String(value) : null;
}

/**
 * Read defensively: a failed job may be failed precisely because its data is not what the contract says. Hence not
 * the contract's orderRefnums (shared/jobs/contract.ts), which trusts the kind and the payload's shape: this one also
 * reads a job of an unknown kind, a numeric refnum, and a payload that is null or not an object.
 */
export function refnumsOf(data: unknown): string[] {
  const payload = record(record(data)['payload']);
  const single = idText(payload['refnum']);
  if (single !== null) return [single];
  const many = payload['refnums'];
  return Array.isArray(many) ? many.map(idText).filter((refnum): refnum is string => refnum !== null) : [];
}

export function summarize(queue: QueueName, job: Job): JobSummary {
  const meta = record(record(job.data)['meta']);
  return {
    id: job.id ?? '',
    queue,
    kind: typeof record(job.data)['kind'] === 'string' ? (record(job.data)['kind'] as string) : job.name,
    refnums: refnumsOf(job.data),
    client: idText(meta['clientId']),
    channel: idText(meta['channelId']),
    attempts: job.attemptsMade,
    failedReason: job.failedReason ? job.failedReason : null,
    finishedOn: isoTime(job.finishedOn),
  };
}

export function selectedQueues(queue: QueueName | undefined): readonly QueueName[] {
  return queue ? [queue] : QUEUE_NAMES;
}

export interface FoundJob {
  readonly queue: QueueName;
  readonly job: Job;
}

/**
 * The job with this id, in `queue` or, without it, in whichever queue holds it. Job ids name their
 * kind and so their queue; an id found in two queues (only possible for hand-made jobs) needs --queue.
 */
export async function findJob(queues: QueueMap, id: string, queue?: QueueName): Promise<FoundJob> {
  const names = selectedQueues(queue);
  const found = (
    await Promise.all(names.map(async (name) => ({ queue: name, job: await queues[name].getJob(id) })))
  ).filter((entry): entry is FoundJob => entry.job !== undefined && entry.job !== null);
  const [first, ...others] = found;
  if (!first) {
    const where = queue ? `queue ${queue}` : `any queue (${QUEUE_NAMES.join(', ')})`;
    throw new OpsError(`no job ${id} in ${where}`, { id, queue: queue ?? null });
  }
  if (others.length > 0) {
    const where = found.map((entry) => entry.queue).join(', ');
    throw new OpsError(`job id ${id} is in several queues (${where}): name one with --queue`, { id, queues: found.map((entry) => entry.queue) });
  }
  return first;
}
