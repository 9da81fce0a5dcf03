import type { SkippedOrder } from '../../shared/inbox/store.js';
import { inboxKeyPattern, parseInboxKey, scanKeys, type InboxKeyName } from '../../shared/keys.js';
import { noPositionals, stringOption, type Command } from './lib/command.js';
import { ACTOR_OPTION, actorOption, runAudited } from './lib/audit-run.js';
import { EXIT, UsageError, type OpsDeps } from './lib/core.js';
import { plural, table } from './lib/format.js';

export interface SkippedBindingReport {
  /** Channel binding key: "default" in single-channel mode, "<client>/<channel>" with CHANNELS_FILE. */
  readonly binding: string;
  /** fabric orders the sync could not read or map, oldest first. */
  readonly skipped: SkippedOrder[];
  /** Orders fabric holds (not released yet): not offered to RetailOPS until released. */
  readonly held: number;
  /** With --clear: the records removed. */
  readonly cleared?: string[];
}

/** Bindings with skipped or held orders in Redis, plus the configured ones. */
async function bindingKeys(deps: Pick<OpsDeps, 'redis' | 'prefix' | 'bindings'>): Promise<string[]> {
  const names: InboxKeyName[] = ['skipped', 'held'];
  const found = await Promise.all(
    names.map(async (name) => (await scanKeys(deps.redis, inboxKeyPattern(deps.prefix, name))).flatMap((key) => parseInboxKey(deps.prefix, key, name) ?? [])),
  );
  return [...new Set([...deps.bindings, ...found.flat()])].sort();
}

export async function listSkipped(
  deps: Pick<OpsDeps, 'inbox' | 'redis' | 'prefix' | 'bindings'>,
  options: { readonly binding?: string; readonly clear?: string },
): Promise<SkippedBindingReport[]> {
  const bindings = options.binding !== undefined ? [options.binding] : await bindingKeys(deps);
  return Promise.all(
    bindings.map(async (binding) => {
      let cleared: string[] | undefined;
      if (options.clear !== undefined) {
        const records = await deps.inbox.skipped(binding);
        const wanted = options.clear === 'all' ? records.map((record) => record.orderNumber) : records.some((record) => record.orderNumber === options.clear) ? [options.clear] : [];
        await deps.inbox.clearSkipped(binding, wanted);
        cleared = wanted;
      }
      const [skipped, held] = await Promise.all([deps.inbox.skipped(binding), deps.inbox.heldCount(binding)]);
      return { binding, skipped, held, ...(cleared ? { cleared } : {}) };
    }),
  );
}

export const syncSkippedCommand: Command = {
  name: 'sync skipped',
  summary: 'fabric orders the order sync could not read, and how many fabric still holds',
  usage: 'sync skipped [--binding key] [--clear orderNumber|all [--actor a]] [--json]',
  help: `fabric orders the order sync skipped because it could not read or map them (a required field missing, a
value of the wrong type), per channel binding, with the reason and when a sync first and last met them. The rest of
their search page was synced; a skipped order is not offered to RetailOPS. Each sync reads the skipped orders again:
one that reads now (fixed in fabric, or after a bridge upgrade) is offered and leaves this list on its own. The
metric rob_order_sync_skipped_total counts them, and each is logged ("order sync skipped an order it cannot read").

Also shows how many orders fabric holds (not released from its default or fraud hold): they are offered once fabric
releases them.

Options:
  --binding key           one binding: "default" in single-channel mode, "<client>/<channel>" with CHANNELS_FILE
                          (default: every configured binding and every binding with skipped or held orders)
  --clear orderNumber|all stop retrying one skipped order, or all of them (an order fabric will never fix, or one
                          handled by hand in RetailOPS); the list is shown after. Recorded in the audit
                          stream (see: audit) first: if that cannot be written, nothing is cleared
  --actor a               with --clear: who does this, for the audit stream; default: the OS user@host

Examples:
  npm run ops -- sync skipped
  npm run ops -- sync skipped --binding default --clear 10042`,
  options: { binding: { type: 'string' }, clear: { type: 'string' }, ...ACTOR_OPTION },
  prepare(input) {
    noPositionals(input);
    const binding = stringOption(input, 'binding');
    const clear = stringOption(input, 'clear');
    if (clear === undefined && input.values['actor'] !== undefined) throw new UsageError('--actor goes with --clear (listing changes nothing)');
    const actor = clear === undefined ? null : actorOption(input);
    return async (context) => {
      const { deps, out, json } = context;
      const options = { ...(binding !== undefined ? { binding } : {}), ...(clear !== undefined ? { clear } : {}) };
      const reports =
        actor === null
          ? await listSkipped(deps, options)
          : await runAudited(context, { actor, command: 'sync skipped --clear', args: { binding: binding ?? null, clear } }, () => listSkipped(deps, options), (result) => ({
              result: 'ok',
              counts: { cleared: result.reduce((sum, report) => sum + (report.cleared?.length ?? 0), 0) },
            }));
      if (json) {
        out.out(JSON.stringify({ bindings: reports }, null, 2));
        return EXIT.ok;
      }
      if (reports.length === 0) out.out('no channel bindings');
      reports.forEach((report, index) => {
        if (index > 0) out.out('');
        if (report.cleared !== undefined) out.out(`binding ${report.binding}: cleared ${plural(report.cleared.length, 'skipped order')}`);
        out.out(`binding ${report.binding}: ${plural(report.skipped.length, 'skipped order')}, ${plural(report.held, 'order')} held in fabric`);
        if (report.skipped.length === 0) return;
        out.out(
          table(report.skipped, [
            { header: 'order', value: (record) => record.orderNumber },
            { header: 'first seen', value: (record) => record.firstSeenAt },
            { header: 'last seen', value: (record) => record.lastSeenAt },
            { header: 'reason', value: (record) => record.reason },
          ]),
        );
      });
      return EXIT.ok;
    };
  },
};
