// The webhook archive: one Redis stream (shared/keys.ts webhookArchiveKey) with an entry for every webhook the
// ingress answered. An accepted call keeps who sent it, the jobs it enqueued, the order refnums and the normalised
// job payload (credentials stripped); a rejected call keeps only its route, status and code. Entries older than the
// retention (WEBHOOK_ARCHIVE_DAYS, default INBOX_RETENTION_DAYS) are trimmed as new ones arrive (XADD MINID ~), and
// readers skip what the approximate trim left. `ops order` reads it; `ops archive erase --order` deletes an order's.
import type { JobMeta } from '../jobs/contract.js';
import { webhookArchiveKey } from '../keys.js';
import type { RedisClient } from '../redis.js';
import { SECRET_KEYS as LOGGED_SECRET_KEYS } from '../logger.js';

const DAY_MS = 24 * 60 * 60 * 1000;
const FIELD = 'entry';
const PAGE = 500;

/**
 * Keys whose values are credentials wherever they appear (the seed bodies' `headers.ticket`, the v1 bodies'
 * `integration_auth_token`): the log redaction's list, and `headers` whole. Dropped, not censored.
 */
const SECRET_KEYS = new Set<string>([...LOGGED_SECRET_KEYS, 'headers']);

export interface AcceptedEntry {
  readonly requestId: string;
  readonly receivedAt: string;
  readonly route: string;
  readonly status: 200;
  readonly client: string;
  readonly channel: string;
  readonly binding: string;
  /** The jobs it enqueued (none: a fetch, a catalog call, an ack of unknown orders). */
  readonly jobIds: readonly string[];
  /**
   * Each job's kind, in jobIds' order: what `ops replay` enqueues again. Absent from entries written before it was
   * recorded; a job id starts with its kind (shared/jobs/contract.ts jobIdFor), which replay reads instead.
   */
  readonly kinds?: readonly string[];
  readonly refnums: readonly string[];
  /** The normalised job payload(s), credentials stripped; absent when nothing was enqueued. */
  readonly payload?: unknown;
}

export interface RejectedEntry {
  readonly requestId: string;
  readonly receivedAt: string;
  readonly route: string;
  readonly status: number;
  readonly code: string | null;
}

export type ArchiveEntry = AcceptedEntry | RejectedEntry;

export interface StoredEntry {
  /** The stream id: `<ms>-<seq>`, the time Redis stored it. */
  readonly id: string;
  readonly entry: ArchiveEntry;
}

export function isAccepted(entry: ArchiveEntry): entry is AcceptedEntry {
  return entry.status === 200 && 'jobIds' in entry;
}

/** `value` without credential keys, at any depth. */
export function withoutSecrets(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutSecrets);
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(
    Object.entries(value as Record<string, unknown>)
      .filter(([key]) => !SECRET_KEYS.has(key))
      .map(([key, inner]) => [key, withoutSecrets(inner)]),
  );
}

export interface WebhookArchiveOptions {
  readonly prefix: string;
  readonly enabled: boolean;
  /** Days an entry stays; 0: for ever. */
  readonly retentionDays: number;
  readonly now?: () => number;
}

export class WebhookArchive {
  readonly #redis: RedisClient;
  readonly #key: string;
  readonly #options: WebhookArchiveOptions;

  constructor(redis: RedisClient, options: WebhookArchiveOptions) {
    this.#redis = redis;
    this.#key = webhookArchiveKey(options.prefix);
    this.#options = options;
  }

  get enabled(): boolean {
    return this.#options.enabled;
  }

  get key(): string {
    return this.#key;
  }

  #now(): number {
    return (this.#options.now ?? Date.now)();
  }

  /** The oldest stream id still kept, or null (kept for ever). */
  #cutoff(now = this.#now()): string | null {
    const days = this.#options.retentionDays;
    return days > 0 ? `${Math.max(0, now - days * DAY_MS)}-0` : null;
  }

  /**
   * One XADD, trimming approximately by age in the same command. Issued synchronously: on the producer connection
   * (auto-pipelining) it shares a round trip with whatever else the caller sends in the same tick.
   */
  append(entry: ArchiveEntry): Promise<string | null> {
    if (!this.#options.enabled) return Promise.resolve(null);
    const cutoff = this.#cutoff();
    const json = JSON.stringify(entry);
    return cutoff === null ? this.#redis.xadd(this.#key, '*', FIELD, json) : this.#redis.xadd(this.#key, 'MINID', '~', cutoff, '*', FIELD, json);
  }

  /** Exact trim by age (the XADDs trim approximately); how many entries went. */
  async trim(now = this.#now()): Promise<number> {
    const cutoff = this.#cutoff(now);
    return cutoff === null ? 0 : this.#redis.xtrim(this.#key, 'MINID', cutoff);
  }

  /** Every entry within the retention, oldest first, passing `filter`; `limit` caps how many are read. */
  async scan(filter: (entry: StoredEntry) => boolean = () => true, limit = Number.POSITIVE_INFINITY): Promise<{ entries: StoredEntry[]; scanned: number; capped: boolean }> {
    return this.#read(this.#cutoff() ?? '-', '+', filter, limit);
  }

  /**
   * The entries Redis stored from `sinceMs` to `untilMs` (both included, by stream id: the time each was written,
   * within a millisecond of its receivedAt), oldest first, passing `filter`; `limit` caps how many are read.
   */
  async between(sinceMs: number, untilMs: number, filter: (entry: StoredEntry) => boolean = () => true, limit = Number.POSITIVE_INFINITY): Promise<{ entries: StoredEntry[]; scanned: number; capped: boolean }> {
    // An id without its sequence part means the millisecond's first entry as a start and its last as an end.
    return this.#read(String(Math.max(0, Math.floor(sinceMs))), String(Math.floor(untilMs)), filter, limit);
  }

  async #read(from: string, to: string, filter: (entry: StoredEntry) => boolean, limit: number): Promise<{ entries: StoredEntry[]; scanned: number; capped: boolean }> {
    const entries: StoredEntry[] = [];
    let start = from;
    let scanned = 0;
    for (;;) {
      const count = Math.min(PAGE, limit - scanned);
      if (count <= 0) return { entries, scanned, capped: true };
      const page = await this.#redis.xrange(this.#key, start, to, 'COUNT', count);
      for (const [id, fields] of page) {
        scanned += 1;
        const stored = parseEntry(id, fields);
        if (stored && filter(stored)) entries.push(stored);
      }
      const last = page.at(-1);
      if (page.length < count || !last) return { entries, scanned, capped: false };
      start = `(${last[0]}`;
    }
  }

  /** The entries naming order `refnum` (of `binding` if given), oldest first. */
  async forOrder(refnum: string, binding?: string, limit?: number): Promise<{ entries: StoredEntry[]; scanned: number; capped: boolean }> {
    return this.scan((stored) => namesOrder(stored.entry, refnum, binding), limit);
  }

  /** Deletes every entry naming order `refnum` (of `binding` if given), older than the retention or not; the ids. */
  async eraseOrder(refnum: string, binding?: string): Promise<string[]> {
    const ids: string[] = [];
    let start = '-';
    for (;;) {
      const page = await this.#redis.xrange(this.#key, start, '+', 'COUNT', PAGE);
      const matching = page.filter(([id, fields]) => {
        const stored = parseEntry(id, fields);
        return stored !== null && namesOrder(stored.entry, refnum, binding);
      });
      if (matching.length > 0) {
        const batch = matching.map(([id]) => id);
        await this.#redis.xdel(this.#key, ...batch);
        ids.push(...batch);
      }
      const last = page.at(-1);
      if (page.length < PAGE || !last) return ids;
      start = `(${last[0]}`;
    }
  }
}

function namesOrder(entry: ArchiveEntry, refnum: string, binding: string | undefined): boolean {
  return isAccepted(entry) && entry.refnums.includes(refnum) && (binding === undefined || entry.binding === binding);
}

function parseEntry(id: string, fields: string[]): StoredEntry | null {
  const index = fields.indexOf(FIELD);
  const raw = index >= 0 ? fields[index + 1] : undefined;
  if (raw === undefined) return null;
  try {
    return { id, entry: JSON.parse(raw) as ArchiveEntry };
  } catch {
    return null;
  }
}

// What one request enqueued, collected while its route runs: JobQueues notes each job against the request's JobMeta
// (the same object from the webhook pipeline to the producer), so that routes need not report their jobs.

export interface ArchiveTrail {
  readonly jobIds: string[];
  readonly kinds: string[];
  readonly refnums: string[];
  readonly payloads: unknown[];
  /** Set once the entry is written (at the enqueue, in its round trip), so that the pipeline does not write it again. */
  written: boolean;
  /** Writes the entry now; set by the pipeline for a route whose action is one job, called by the producer. */
  writeOnAdd?: () => Promise<unknown>;
}

const trails = new WeakMap<JobMeta, ArchiveTrail>();

export function openTrail(meta: JobMeta, writeOnAdd?: (trail: ArchiveTrail) => Promise<unknown>): ArchiveTrail {
  const trail: ArchiveTrail = { jobIds: [], kinds: [], refnums: [], payloads: [], written: false };
  if (writeOnAdd) trail.writeOnAdd = () => writeOnAdd(trail);
  trails.set(meta, trail);
  return trail;
}

/**
 * Notes a job the request of `meta` enqueued; returns the entry's write when the route archives at its enqueue (to
 * go in the same round trip as the producer's next commands), else undefined.
 */
export function noteJob(meta: JobMeta, jobId: string, kind: string, refnums: readonly string[], payload: unknown): Promise<unknown> | undefined {
  const trail = trails.get(meta);
  if (!trail) return undefined;
  trail.jobIds.push(jobId);
  trail.kinds.push(kind);
  for (const refnum of refnums) if (!trail.refnums.includes(refnum)) trail.refnums.push(refnum);
  if (payload !== undefined) trail.payloads.push(payload);
  if (!trail.writeOnAdd || trail.written) return undefined;
  trail.written = true;
  // A failed archive write must not fail the enqueue: the job is stored, the caller gets its 200.
  return trail.writeOnAdd().catch(() => undefined);
}

/** The accepted entry of a request, from its meta and trail. */
export function acceptedEntry(meta: JobMeta, route: string, trail: ArchiveTrail): AcceptedEntry {
  const payload = trail.payloads.length === 0 ? undefined : trail.payloads.length === 1 ? trail.payloads[0] : trail.payloads;
  return {
    requestId: meta.requestId,
    receivedAt: meta.receivedAt,
    route,
    status: 200,
    client: meta.clientId,
    channel: meta.channelId,
    binding: meta.bindingKey,
    jobIds: [...trail.jobIds],
    kinds: [...trail.kinds],
    refnums: [...trail.refnums],
    ...(payload === undefined ? {} : { payload: withoutSecrets(payload) }),
  };
}

// One archive per Redis connection and configuration: the pipeline builds it from its deps, no wiring needed.
const archives = new WeakMap<object, WebhookArchive>();

export function archiveOn(redis: RedisClient, options: WebhookArchiveOptions): WebhookArchive {
  let archive = archives.get(redis);
  if (!archive) {
    archive = new WebhookArchive(redis, options);
    archives.set(redis, archive);
  }
  return archive;
}
