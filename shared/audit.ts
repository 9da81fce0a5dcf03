// The operator audit stream: who changed what, when, and how it ended. A Redis Stream under the queue prefix
// (shared/keys.ts auditStreamKey), appended to by every mutating CLI command and by the Bull Board's retries, and
// trimmed by age only (AUDIT_RETENTION_DAYS, XADD … MINID): nothing deletes single entries. `ops audit` lists it.
//
// Each operation writes two entries: its intent before anything changes, then its result, which names the intent.
// The intent comes first so that a mutation that cannot be audited never happens (the command is refused); the
// result comes after so that the entry says what happened. An intent without a result is listed as "incomplete":
// the process died mid-way, or the result could not be written (the command said so on stderr). In shared/: the CLI
// and the ingress (the Bull Board's retries, ingress/routes/admin.ts) both write it.
import { hostname, userInfo } from 'node:os';
import { auditStreamKey } from './keys.js';
import type { RedisClient } from './redis.js';

export const DEFAULT_AUDIT_RETENTION_DAYS = 365;
const DAY_MS = 24 * 60 * 60 * 1000;

/** Where the mutation came from: the operator CLI, or the Bull Board at /admin/queues. */
export type AuditSource = 'cli' | 'admin';

/** What is about to change. `args` are ids, queues and scopes only: never a token or a payload. */
export interface AuditIntent {
  readonly source: AuditSource;
  /** --actor, or user@host; for the Bull Board "admin-token@<client ip>". */
  readonly actor: string;
  /** The command as typed after `npm run ops --` ("failed retry"), or "bull-board retry". */
  readonly command: string;
  readonly args: Readonly<Record<string, unknown>>;
}

export interface AuditResult {
  readonly result: 'ok' | 'error';
  /** The error's message (result error), or a note. */
  readonly message?: string;
  /** What was changed: { retried: 3, notRetried: 1 }, { discarded: 1 }, { removed: 12 }, … */
  readonly counts?: Readonly<Record<string, number>>;
}

/** One operation as `ops audit` lists it: its intent joined with its result. */
export interface AuditEntry {
  /** The intent's stream id ("<ms>-<seq>"). */
  readonly id: string;
  /** ISO time of the intent (the operation's start). */
  readonly at: string;
  /** ISO time of the result; null while there is none. */
  readonly finishedAt: string | null;
  readonly source: AuditSource;
  readonly actor: string;
  readonly command: string;
  readonly args: Record<string, unknown>;
  /** incomplete: the intent has no result (the process stopped mid-way, or the result could not be written). */
  readonly result: 'ok' | 'error' | 'incomplete';
  readonly message: string | null;
  readonly counts: Record<string, number>;
}

export interface AuditFilter {
  /** Only operations started at or after this time (epoch ms). */
  readonly sinceMs?: number;
  /** Only operations whose actor contains this text (case-insensitive). */
  readonly actor?: string;
  readonly limit: number;
}

export interface AuditList {
  /** Newest first, at most `limit`. */
  readonly entries: AuditEntry[];
  /** More operations match than `limit`. */
  readonly more: boolean;
}

/** The operator running the CLI: the OS user at this host (a shell in a pod: the pod's name). */
export function defaultActor(): string {
  let user: string;
  try {
    user = userInfo().username;
  } catch {
    // No passwd entry for the uid (some containers).
    user = process.env['USER'] ?? process.env['LOGNAME'] ?? `uid-${process.getuid?.() ?? 'unknown'}`;
  }
  return `${user}@${hostname()}`;
}

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function parseJson(text: string | undefined): Record<string, unknown> {
  if (text === undefined) return {};
  try {
    const value: unknown = JSON.parse(text);
    return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}

function fieldsOf(flat: readonly string[]): Record<string, string> {
  const fields: Record<string, string> = {};
  for (let index = 0; index + 1 < flat.length; index += 2) fields[flat[index] as string] = flat[index + 1] as string;
  return fields;
}

const PAGE = 500;

export class AuditLog {
  readonly key: string;

  constructor(
    private readonly redis: RedisClient,
    prefix: string,
    private readonly options: { readonly retentionDays: number; readonly now?: () => number } = { retentionDays: DEFAULT_AUDIT_RETENTION_DAYS },
  ) {
    this.key = auditStreamKey(prefix);
  }

  private now(): number {
    return this.options.now?.() ?? Date.now();
  }

  /** XADD, trimming entries older than the retention in the same command (exact MINID: the stream is small). */
  private async append(fields: Record<string, string>): Promise<string> {
    const flat = Object.entries(fields).flat();
    const trim = this.options.retentionDays > 0 ? ['MINID', String(Math.max(0, this.now() - this.options.retentionDays * DAY_MS))] : [];
    const id = await this.redis.call('XADD', this.key, ...trim, '*', ...flat);
    if (typeof id !== 'string') throw new Error(`XADD ${this.key} answered ${String(id)}`);
    return id;
  }

  /** Records what is about to change; returns the intent's id for `finish`. Throws when it cannot be written. */
  async begin(intent: AuditIntent): Promise<string> {
    return this.append({
      phase: 'intent',
      at: new Date(this.now()).toISOString(),
      source: intent.source,
      actor: intent.actor,
      command: intent.command,
      args: JSON.stringify(intent.args),
    });
  }

  /** Records how the operation begun as `intentId` ended. */
  async finish(intentId: string, result: AuditResult): Promise<void> {
    await this.append({
      phase: 'result',
      ref: intentId,
      at: new Date(this.now()).toISOString(),
      result: result.result,
      ...(result.message !== undefined ? { message: result.message } : {}),
      counts: JSON.stringify(result.counts ?? {}),
    });
  }

  /**
   * Operations newest first. Read backwards with XREVRANGE: a result is always newer than its intent, so it is read
   * first and joined when its intent comes.
   */
  async list(filter: AuditFilter): Promise<AuditList> {
    const results = new Map<string, Record<string, string>>();
    const entries: AuditEntry[] = [];
    const min = filter.sinceMs !== undefined ? String(Math.max(0, Math.floor(filter.sinceMs))) : '-';
    const wanted = filter.actor?.toLowerCase();
    let end = '+';
    for (;;) {
      const page = (await this.redis.xrevrange(this.key, end, min, 'COUNT', PAGE)) as [string, string[]][];
      for (const [id, flat] of page) {
        const fields = fieldsOf(flat);
        if (fields['phase'] === 'result') {
          if (fields['ref']) results.set(fields['ref'], fields);
          continue;
        }
        if (fields['phase'] !== 'intent') continue;
        const actor = fields['actor'] ?? '';
        if (wanted !== undefined && !actor.toLowerCase().includes(wanted)) continue;
        if (entries.length === filter.limit) return { entries, more: true };
        const result = results.get(id);
        results.delete(id);
        const outcome = result?.['result'];
        entries.push({
          id,
          at: fields['at'] ?? new Date(Number(id.split('-')[0])).toISOString(),
          finishedAt: result?.['at'] ?? null,
          source: fields['source'] === 'admin' ? 'admin' : 'cli',
          actor,
          command: fields['command'] ?? '',
          args: parseJson(fields['args']),
          result: outcome === 'ok' || outcome === 'error' ? outcome : 'incomplete',
          message: result?.['message'] ?? null,
          counts: parseJson(result?.['counts']) as Record<string, number>,
        });
      }
      if (page.length < PAGE) return { entries, more: false };
      end = `(${page[page.length - 1]?.[0] ?? '0-0'}`;
    }
  }
}

/** The audit entry could not be written: the mutation was not attempted. */
export class AuditUnavailableError extends Error {
  override readonly name = 'AuditUnavailableError';
}

/**
 * Runs `mutate` between its intent and its result. The intent is written first: if it cannot be, nothing is
 * changed and AuditUnavailableError is thrown (an operator mutation that cannot be audited is refused). An error of
 * `mutate` is recorded with its message and rethrown. A result that cannot be written does not undo what was done:
 * `warn` says so, and the entry stays "incomplete".
 */
export async function audited<T>(
  log: AuditLog,
  intent: AuditIntent,
  mutate: () => Promise<T>,
  outcome: (value: T) => AuditResult,
  warn: (text: string) => void,
): Promise<T> {
  let id: string;
  try {
    id = await log.begin(intent);
  } catch (error) {
    throw new AuditUnavailableError(`refused: the audit entry could not be written to ${log.key} (${message(error)}); nothing was changed`);
  }
  const finish = async (result: AuditResult): Promise<void> => {
    try {
      await log.finish(id, result);
    } catch (error) {
      warn(`warning: the result of audit entry ${id} could not be written (${message(error)}); it is listed as incomplete`);
    }
  };
  let value: T;
  try {
    value = await mutate();
  } catch (error) {
    await finish({ result: 'error', message: message(error) });
    throw error;
  }
  await finish(outcome(value));
  return value;
}
