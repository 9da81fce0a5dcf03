import { cliArchive } from './lib/archive.js';
import { ACTOR_OPTION, ACTOR_OPTION_HELP, actorOption, runAudited } from './lib/audit-run.js';
import { noPositionals, stringOption, type Command } from './lib/command.js';
import { EXIT, UsageError, type OpsDeps } from './lib/core.js';
import { plural } from './lib/format.js';

export interface ArchiveEraseReport {
  readonly order: string;
  readonly binding: string | null;
  /** The stream ids deleted. */
  readonly erased: string[];
}

export async function eraseOrder(deps: Pick<OpsDeps, 'redis' | 'prefix' | 'now'>, order: string, binding?: string): Promise<ArchiveEraseReport> {
  const erased = await cliArchive(deps).eraseOrder(order, binding);
  return { order, binding: binding ?? null, erased };
}

export const archiveEraseCommand: Command = {
  name: 'archive erase',
  summary: 'delete the archived webhooks naming one order (personal-data requests)',
  usage: 'archive erase --order refnum [--binding key] [--actor a] [--json]',
  help: `Deletes (XDEL) every entry of the webhook archive whose refnums name RetailOPS order refnum, of every
channel binding or of --binding's only. The archive keeps each accepted webhook's normalised job payload, which
can hold a customer's data; this is how a personal-data erasure request reaches it. Jobs and the inbox are not
touched (they expire by their own retention). Recorded in the audit stream first (see: audit).

Options:
  --order r     the order refnum (required)
  --binding k   only entries of channel binding k
  ${ACTOR_OPTION_HELP}

Examples:
  npm run ops -- archive erase --order 496
  npm run -s ops -- archive erase --order 496 --binding default --json`,
  options: { order: { type: 'string' }, binding: { type: 'string' }, ...ACTOR_OPTION },
  prepare(input) {
    noPositionals(input);
    const order = stringOption(input, 'order');
    if (order === undefined) throw new UsageError('--order is required');
    const binding = stringOption(input, 'binding');
    const actor = actorOption(input);
    return async (context) => {
      const { deps, out, json } = context;
      const intent = { actor, command: 'archive erase', args: { order, binding: binding ?? null } };
      const report = await runAudited(context, intent, () => eraseOrder(deps, order, binding), (done) => ({ result: 'ok', counts: { erased: done.erased.length } }));
      if (json) out.out(JSON.stringify(report, null, 2));
      else out.out(`erased ${plural(report.erased.length, 'archived webhook')} of order ${order}${binding ? ` (binding ${binding})` : ''}`);
      return EXIT.ok;
    };
  },
};
