import { inboxKeyPattern, parseInboxKey, scanKeys } from '../../shared/keys.js';
import { limitOption, noPositionals, stringOption, type Command } from './lib/command.js';
import { EXIT, type OpsDeps } from './lib/core.js';
import { plural, table } from './lib/format.js';

export interface InboxOrderRow {
  readonly refnum: string;
  readonly createdAt: string;
  readonly email: string;
  /** Line items. */
  readonly items: number;
  /** Units over all lines. */
  readonly units: number;
}

export interface InboxBindingReport {
  /** Channel binding key: "default" in single-channel mode, "<client>/<channel>" with CHANNELS_FILE. */
  readonly binding: string;
  /** Unacknowledged orders in all. */
  readonly pending: number;
  /** The oldest pending, at most the limit: what the next order fetch returns first. */
  readonly orders: InboxOrderRow[];
}

/** Bindings with pending orders in Redis (`<prefix>:inbox:<binding>:pending`), plus the configured ones. */
async function bindingKeys(deps: Pick<OpsDeps, 'redis' | 'prefix' | 'bindings'>): Promise<string[]> {
  const keys = await scanKeys(deps.redis, inboxKeyPattern(deps.prefix, 'pending'));
  const found = keys.flatMap((key) => parseInboxKey(deps.prefix, key, 'pending') ?? []);
  return [...new Set([...deps.bindings, ...found])].sort();
}

export async function listInbox(
  deps: Pick<OpsDeps, 'inbox' | 'redis' | 'prefix' | 'bindings'>,
  options: { readonly binding?: string; readonly limit: number },
): Promise<InboxBindingReport[]> {
  const bindings = options.binding !== undefined ? [options.binding] : await bindingKeys(deps);
  return Promise.all(
    bindings.map(async (binding) => {
      const [page, pending] = await Promise.all([deps.inbox.page(binding, 0, options.limit), deps.inbox.pendingCount(binding)]);
      return {
        binding,
        pending,
        orders: page.orders.map((order) => ({
          refnum: order.refnum,
          createdAt: order.createdAt,
          email: order.customer.email,
          items: order.items.length,
          units: order.items.reduce((sum, item) => sum + item.quantity, 0),
        })),
      };
    }),
  );
}

export const inboxListCommand: Command = {
  name: 'inbox list',
  summary: 'unacknowledged orders per channel binding',
  usage: 'inbox list [--binding key] [--limit n] [--json]',
  help: `Orders synced from fabric that RetailOPS has not acknowledged yet, per channel binding, oldest first (what
the next order fetch returns). An order stays here until RetailOPS acknowledges it (GET /orders/order_ack or
order_acknowledge_v1). A long list of old orders means RetailOPS does not fetch or does not acknowledge.

Options:
  --binding key  one binding: "default" in single-channel mode, "<client>/<channel>" with CHANNELS_FILE
                 (default: every configured binding and every binding with pending orders)
  --limit n      at most n orders per binding (default 50)

Examples:
  npm run ops -- inbox list
  npm run ops -- inbox list --binding 497/21 --limit 10`,
  options: { binding: { type: 'string' }, limit: { type: 'string' } },
  prepare(input) {
    noPositionals(input);
    const binding = stringOption(input, 'binding');
    const limit = limitOption(input, 50);
    return async ({ deps, out, json }) => {
      const reports = await listInbox(deps, { ...(binding !== undefined ? { binding } : {}), limit });
      if (json) {
        out.out(JSON.stringify({ bindings: reports }, null, 2));
        return EXIT.ok;
      }
      if (reports.length === 0) out.out('no channel bindings with pending orders');
      reports.forEach((report, index) => {
        if (index > 0) out.out('');
        out.out(`binding ${report.binding}: ${plural(report.pending, 'pending order')}`);
        if (report.orders.length === 0) return;
        out.out(
          table(report.orders, [
            { header: 'refnum', value: (order) => order.refnum },
            { header: 'created', value: (order) => order.createdAt },
            { header: 'email', value: (order) => order.email },
            { header: 'items', value: (order) => order.items, right: true },
            { header: 'units', value: (order) => order.units, right: true },
          ]),
        );
        if (report.pending > report.orders.length) out.out(`showing ${report.orders.length} of ${report.pending} (--limit n for more)`);
      });
      return EXIT.ok;
    };
  },
};
