// What `ops replay` does: the plan (archived actions of a window, each with its original job's state and what the
// replay does with it) and its execution through the producer. The command and its output are in ../replay.ts.
import { randomBytes } from 'node:crypto';
import { isAccepted, type AcceptedEntry } from '../../../shared/archive/webhook-archive.js';
import { JOB_KINDS, orderRefnums, queueOf, type JobKind, type JobMeta, type JobPayload, type QueueName } from '../../../shared/jobs/contract.js';
import type { JobQueues } from '../../../shared/jobs/producer.js';
import { cliArchive } from './archive.js';
import { OpsError, type OpsDeps } from './core.js';

export interface ReplayFilters {
  /** Epoch ms, both included: the archive entries Redis stored in this window. */
  readonly since: number;
  readonly until: number;
  readonly client?: string;
  readonly channel?: string;
  readonly queue?: QueueName;
  /** Only actions whose original job failed with this failure code (the first word of its failedReason). */
  readonly code?: string;
  readonly order?: string;
  /** The most actions one replay enqueues; a wider plan is refused whole. */
  readonly limit: number;
}

/** Why an archived action is not enqueued again. */
export const SKIP_REASONS = {
  'still-queued': 'its job is still waiting or running: it will run anyway',
  duplicate: 'a redelivery of an action already in this plan (one job)',
  'no-payload': 'the archive keeps no payload for it (an inventory push: RetailOPS\' next push sets the quantities)',
  'unknown-kind': 'a job kind this version does not know',
  'invalid-payload': 'its archived payload does not match the job contract',
  'binding-gone': 'its channel binding is no longer configured',
} as const;
export type SkipReason = keyof typeof SKIP_REASONS;

/** The state of the original job now: a BullMQ state, or `gone` once retention removed it. */
export type OriginalState = 'completed' | 'failed' | 'waiting' | 'active' | 'delayed' | 'prioritized' | 'waiting-children' | 'gone';

export interface ReplayAction {
  /** The archive entry (stream id) and the webhook it records. */
  readonly archiveId: string;
  readonly receivedAt: string;
  readonly route: string;
  readonly requestId: string;
  readonly client: string;
  readonly channel: string;
  readonly binding: string;
  readonly kind: string;
  readonly queue: QueueName | null;
  readonly refnums: readonly string[];
  readonly originalJobId: string;
  readonly original: { readonly state: OriginalState; readonly code: string | null };
  readonly skip: SkipReason | null;
  /** The fresh id it is enqueued under; null when skipped. */
  readonly replayJobId: string | null;
  /** The archived job payload it enqueues again; left out of what the command prints (see planForOutput). */
  readonly payload: unknown;
}

export interface ReplayPlan {
  /** Names this replay: in every replayed job's id and meta.replayId, and in the audit stream. */
  readonly replayId: string;
  readonly since: string;
  readonly until: string;
  readonly actions: ReplayAction[];
  readonly counts: { readonly replay: number; readonly skip: Readonly<Partial<Record<SkipReason, number>>> };
  /** Archive entries read in the window (accepted and refused). */
  readonly scanned: number;
}

export interface ReplayOutcome {
  readonly archiveId: string;
  readonly replayJobId: string;
  readonly queue: QueueName;
  readonly result: 'queued' | 'error';
  readonly error?: string;
}

export interface ReplayReport {
  readonly plan: ReplayPlan;
  readonly dryRun: boolean;
  /** One per replayed action, in plan order; empty on a dry run. */
  readonly outcomes: ReplayOutcome[];
}

/** The job kind an id names (shared/jobs/contract.ts jobIdFor: `<kind>-<client>-<channel>-<digest>`), for entries archived without kinds. */
function kindOfJobId(jobId: string): JobKind | null {
  const kinds = (Object.keys(JOB_KINDS) as JobKind[]).filter((kind) => jobId.startsWith(`${kind}-`));
  return kinds.sort((a, b) => b.length - a.length)[0] ?? null;
}

function isJobKind(kind: string): kind is JobKind {
  return Object.hasOwn(JOB_KINDS, kind);
}

interface ArchivedAction {
  readonly archiveId: string;
  readonly entry: AcceptedEntry;
  readonly jobId: string;
  readonly kind: string;
  readonly payload: unknown;
}

/** The jobs one accepted webhook enqueued, each with its kind and payload (undefined when none was archived). */
function actionsOf(archiveId: string, entry: AcceptedEntry): ArchivedAction[] {
  return entry.jobIds.map((jobId, index) => {
    const payload = entry.jobIds.length === 1 ? entry.payload : Array.isArray(entry.payload) && entry.payload.length === entry.jobIds.length ? entry.payload[index] : undefined;
    return { archiveId, entry, jobId, kind: entry.kinds?.[index] ?? kindOfJobId(jobId) ?? 'unknown', payload };
  });
}

function refnumsOfAction(action: ArchivedAction): readonly string[] {
  if (!isJobKind(action.kind) || action.payload === undefined) return action.entry.refnums;
  try {
    return orderRefnums(action.kind, action.payload);
  } catch {
    return action.entry.refnums;
  }
}

const QUEUED_STATES = new Set<string>(['waiting', 'active', 'delayed', 'prioritized', 'waiting-children']);
const LOOKUPS_AT_ONCE = 50;

async function originalOf(deps: Pick<OpsDeps, 'queues'>, queue: QueueName | null, jobId: string): Promise<ReplayAction['original']> {
  if (queue === null) return { state: 'gone', code: null };
  const job = await deps.queues[queue].getJob(jobId);
  if (!job) return { state: 'gone', code: null };
  const state = await job.getState();
  // workers/process-job.ts finalError: a job failed for good has the failure event's code first in its reason.
  const code = state === 'failed' && job.failedReason ? (/^([^\s:]+):/.exec(job.failedReason)?.[1] ?? null) : null;
  return { state: (state === 'unknown' ? 'gone' : state) as OriginalState, code };
}

/** What a replay of the window would do, action by action, in the order the webhooks were received. Changes nothing. */
export async function planReplay(deps: Pick<OpsDeps, 'queues' | 'redis' | 'prefix' | 'now' | 'bindings'>, filters: ReplayFilters, replayId = newReplayId()): Promise<ReplayPlan> {
  const { entries, scanned } = await cliArchive(deps).between(filters.since, filters.until, ({ entry }) =>
    isAccepted(entry) && (filters.client === undefined || entry.client === filters.client) && (filters.channel === undefined || entry.channel === filters.channel),
  );
  const candidates = entries
    .flatMap(({ id, entry }) => (isAccepted(entry) ? actionsOf(id, entry) : []))
    .map((action) => ({ action, queue: isJobKind(action.kind) ? queueOf(action.kind) : null, refnums: refnumsOfAction(action) }))
    .filter(({ queue, refnums }) => (filters.queue === undefined || queue === filters.queue) && (filters.order === undefined || refnums.includes(filters.order)));

  const originals: ReplayAction['original'][] = [];
  for (let start = 0; start < candidates.length; start += LOOKUPS_AT_ONCE) {
    const batch = candidates.slice(start, start + LOOKUPS_AT_ONCE);
    originals.push(...(await Promise.all(batch.map(({ action, queue }) => originalOf(deps, queue, action.jobId)))));
  }

  const planned = new Set<string>();
  const actions: ReplayAction[] = [];
  candidates.forEach(({ action, queue, refnums }, index) => {
    const original = originals[index] ?? { state: 'gone', code: null };
    if (filters.code !== undefined && original.code !== filters.code) return;
    const skip = skipReason(action, original, deps.bindings, planned);
    if (skip === null) planned.add(action.jobId);
    actions.push({
      archiveId: action.archiveId,
      receivedAt: action.entry.receivedAt,
      route: action.entry.route,
      requestId: action.entry.requestId,
      client: action.entry.client,
      channel: action.entry.channel,
      binding: action.entry.binding,
      kind: action.kind,
      queue,
      refnums,
      originalJobId: action.jobId,
      original,
      skip,
      replayJobId: skip === null ? replayJobId(action.jobId, replayId) : null,
      payload: action.payload,
    });
  });
  const skipCounts: Partial<Record<SkipReason, number>> = {};
  for (const action of actions) if (action.skip !== null) skipCounts[action.skip] = (skipCounts[action.skip] ?? 0) + 1;
  return {
    replayId,
    since: new Date(filters.since).toISOString(),
    until: new Date(filters.until).toISOString(),
    actions,
    counts: { replay: actions.filter((action) => action.skip === null).length, skip: skipCounts },
    scanned,
  };
}

function skipReason(action: ArchivedAction, original: ReplayAction['original'], bindings: readonly string[], planned: ReadonlySet<string>): SkipReason | null {
  if (!isJobKind(action.kind)) return 'unknown-kind';
  if (action.payload === undefined) return 'no-payload';
  if (!JOB_KINDS[action.kind].payload.safeParse(action.payload).success) return 'invalid-payload';
  if (!bindings.includes(action.entry.binding)) return 'binding-gone';
  if (QUEUED_STATES.has(original.state)) return 'still-queued';
  if (planned.has(action.jobId)) return 'duplicate';
  return null;
}

export function newReplayId(): string {
  return randomBytes(4).toString('hex');
}

/** A fresh id that still says what it replays: the original id (kind, client, channel, digest) and the replay's. */
export function replayJobId(originalJobId: string, replayId: string): string {
  return `${originalJobId}-replay-${replayId}`;
}

/**
 * Enqueues the plan's actions, oldest first, each through the producer as the ingress enqueues them (its order lane,
 * the tenant's burst priority, the queues' retry policy) under its fresh id and with its webhook's meta (the request
 * id and time RetailOPS sent it) plus the replay's id. An add that fails is reported and the rest go on.
 */
export async function executeReplay(deps: Pick<OpsDeps, 'jobs'>, plan: ReplayPlan): Promise<ReplayOutcome[]> {
  const jobs = deps.jobs?.();
  if (!jobs) throw new OpsError('this CLI cannot enqueue jobs (no producer configured)');
  const outcomes: ReplayOutcome[] = [];
  for (const action of plan.actions) {
    if (action.skip !== null || action.replayJobId === null || action.queue === null || !isJobKind(action.kind)) continue;
    const kind = action.kind;
    const meta: JobMeta = {
      clientId: action.client,
      channelId: action.channel,
      bindingKey: action.binding,
      requestId: action.requestId,
      receivedAt: action.receivedAt,
      sourceAction: null,
      replayId: plan.replayId,
      replayOf: action.originalJobId,
    };
    try {
      await addParsed(jobs, kind, meta, action.payload, action.replayJobId);
      outcomes.push({ archiveId: action.archiveId, replayJobId: action.replayJobId, queue: action.queue, result: 'queued' });
    } catch (error) {
      outcomes.push({ archiveId: action.archiveId, replayJobId: action.replayJobId, queue: action.queue, result: 'error', error: error instanceof Error ? error.message : String(error) });
    }
  }
  return outcomes;
}

/**
 * Enqueues an archived payload once it has passed its kind's schema again (the plan checked it too). The cast only
 * restores the link between `kind` and its payload type that indexing JOB_KINDS by a type parameter loses.
 */
function addParsed<K extends JobKind>(jobs: Pick<JobQueues, 'add'>, kind: K, meta: JobMeta, archived: unknown, jobId: string): Promise<unknown> {
  const payload = JOB_KINDS[kind].payload.parse(archived) as JobPayload<K>;
  return jobs.add(kind, meta, payload, jobId);
}

/** The plan as printed: without the payloads (customer data stays in the archive, out of terminals and tickets). */
export function planForOutput(plan: ReplayPlan): Omit<ReplayPlan, 'actions'> & { actions: Omit<ReplayAction, 'payload'>[] } {
  return { ...plan, actions: plan.actions.map(({ payload: _payload, ...rest }) => rest) };
}

