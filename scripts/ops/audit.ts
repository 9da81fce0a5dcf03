import { auditLogOf } from './lib/audit-run.js';
import type { AuditEntry } from '../../shared/audit.js';
import { limitOption, noPositionals, stringOption, type Command } from './lib/command.js';
import { EXIT } from './lib/core.js';
import { timeOption } from './lib/time.js';
import { table } from './lib/format.js';

function args(entry: AuditEntry): string {
  return Object.entries(entry.args)
    .filter(([, value]) => value !== null && value !== undefined && value !== false)
    .map(([name, value]) => (value === true ? `--${name}` : `${name}=${typeof value === 'string' ? value : JSON.stringify(value)}`))
    .join(' ');
}

function counts(entry: AuditEntry): string {
  return Object.entries(entry.counts)
    .map(([name, value]) => `${name}=${value}`)
    .join(' ');
}

export const auditCommand: Command = {
  name: 'audit',
  summary: 'who retried, discarded or cleared what, when, and how it ended (newest first)',
  usage: 'audit [--since ISO|duration] [--actor a] [--limit n] [--json]',
  help: `The audit stream: every operator mutation, newest first: CLI failed retry, failed discard, events clear and
sync skipped --clear, and retries from the Bull Board (/admin/queues, when ADMIN_ALLOW_RETRIES=true). Each shows
when it started, who (--actor, or the OS user@host; "admin-token@<client ip>" for the board), where (cli, admin),
the command and its arguments, and the result: ok, error (with the message), or incomplete (the command stopped
before its result was written) with counts (jobs retried, events removed, …). Entries are kept
AUDIT_RETENTION_DAYS (default 365) and trimmed by age only; no command deletes them.

Options:
  --since t     only what started at or after t: an ISO time, or a duration back from now (90m, 24h, 7d)
  --actor a     only entries whose actor contains a (case-insensitive)
  --limit n     at most n entries (default 50)

Examples:
  npm run ops -- audit --since 24h
  npm run -s ops -- audit --actor alice --json | jq '.entries[] | select(.result != "ok")'`,
  options: { since: { type: 'string' }, actor: { type: 'string' }, limit: { type: 'string' } },
  prepare(input) {
    noPositionals(input);
    const sinceText = stringOption(input, 'since');
    const since = sinceText === undefined ? undefined : timeOption('since', sinceText);
    const actor = stringOption(input, 'actor');
    const limit = limitOption(input, 50);
    return async ({ deps, out, json }) => {
      const now = deps.now?.() ?? Date.now();
      const list = await auditLogOf(deps).list({
        limit,
        ...(since ? { sinceMs: since(now) } : {}),
        ...(actor !== undefined ? { actor } : {}),
      });
      if (json) {
        out.out(JSON.stringify(list, null, 2));
        return EXIT.ok;
      }
      if (list.entries.length === 0) {
        out.out('no audit entries');
        return EXIT.ok;
      }
      out.out(
        table(list.entries, [
          { header: 'at', value: (entry) => entry.at },
          { header: 'actor', value: (entry) => entry.actor, max: 40 },
          { header: 'source', value: (entry) => entry.source },
          { header: 'command', value: (entry) => entry.command },
          { header: 'args', value: args, max: 70 },
          { header: 'result', value: (entry) => entry.result },
          { header: 'counts', value: counts },
          { header: 'message', value: (entry) => entry.message, max: 80 },
        ]),
      );
      if (list.more) out.out(`showing the newest ${list.entries.length} (--limit n or --since for more)`);
      return EXIT.ok;
    };
  },
};
