import { audited, AuditLog, AuditUnavailableError, DEFAULT_AUDIT_RETENTION_DAYS, defaultActor, type AuditResult } from '../../../shared/audit.js';
import { stringOption, type OptionSpecs, type ParsedInput, type RunContext } from './command.js';
import { OpsError, UsageError, type OpsDeps } from './core.js';

/** The --actor option of every mutating command. */
export const ACTOR_OPTION: OptionSpecs = { actor: { type: 'string' } };

export const ACTOR_OPTION_HELP = `--actor a     who does this, for the audit stream (see: audit); default: the OS user@host`;

/** --actor, else user@host. One line of plain text: it is shown in tables. */
export function actorOption(input: ParsedInput): string {
  const value = stringOption(input, 'actor');
  if (value === undefined) return defaultActor();
  if (value.length > 200 || /[\u0000-\u001f\u007f]/.test(value)) throw new UsageError('--actor must be one line of at most 200 characters');
  return value;
}

export function auditLogOf(deps: Pick<OpsDeps, 'redis' | 'prefix' | 'now' | 'auditRetentionDays'>): AuditLog {
  return new AuditLog(deps.redis, deps.prefix, {
    retentionDays: deps.auditRetentionDays ?? DEFAULT_AUDIT_RETENTION_DAYS,
    ...(deps.now ? { now: deps.now } : {}),
  });
}

/** What a mutating command records: its name as typed, its arguments (ids, queue, scope: never secrets). */
export interface CommandIntent {
  readonly actor: string;
  readonly command: string;
  readonly args: Readonly<Record<string, unknown>>;
}

/**
 * Runs a mutating command's change between its audit intent and result (lib/audit.ts audited): refused (exit 1,
 * nothing changed) when the intent cannot be written.
 */
export async function runAudited<T>(context: RunContext, intent: CommandIntent, mutate: () => Promise<T>, outcome: (value: T) => AuditResult): Promise<T> {
  try {
    return await audited(auditLogOf(context.deps), { source: 'cli', ...intent }, mutate, outcome, (text) => context.out.err(text));
  } catch (error) {
    if (error instanceof AuditUnavailableError) throw new OpsError(error.message, { audit: 'unavailable' });
    throw error;
  }
}
