import type { ChannelEvent, EventScope } from '../../shared/events/event.js';
import { eventKeyPattern, parseEventKey, scanKeys } from '../../shared/keys.js';
import { limitOption, noPositionals, stringOption, type Command, type ParsedInput } from './lib/command.js';
import { EXIT, UsageError, type OpsDeps } from './lib/core.js';
import { plural, table } from './lib/format.js';

export interface EventScopeSummary extends EventScope {
  readonly pending: number;
}

/**
 * Every client and channel with pending events: the `<prefix>:events:<client>:<channel>:order` sorted sets of
 * shared/events/store.ts (parts URI-encoded by shared/keys.ts). A scope whose events were all delivered has no key.
 */
export async function listEventScopes(deps: Pick<OpsDeps, 'redis' | 'prefix'>): Promise<EventScopeSummary[]> {
  const keys = await scanKeys(deps.redis, eventKeyPattern(deps.prefix, 'order'));
  const scopes = keys.flatMap((key) => {
    const ids = parseEventKey(deps.prefix, key, 'order');
    return ids ? [{ key, ...ids }] : [];
  });
  const counts = await Promise.all(scopes.map((scope) => deps.redis.zcard(scope.key)));
  return scopes
    .map((scope, index) => ({ clientId: scope.clientId, channelId: scope.channelId, pending: counts[index] ?? 0 }))
    .filter((scope) => scope.pending > 0);
}

export interface ScopeEvents extends EventScope {
  readonly pending: number;
  /** Oldest first, as RetailOPS receives them; at most the limit. */
  readonly events: ChannelEvent[];
}

export async function listScopeEvents(deps: Pick<OpsDeps, 'events'>, scope: EventScope, limit: number): Promise<ScopeEvents> {
  const [events, pending] = await Promise.all([deps.events.peek(scope), deps.events.count(scope)]);
  return { clientId: scope.clientId, channelId: scope.channelId, pending, events: events.slice(0, limit) };
}

/** --client and --channel: both (one scope) or neither (all scopes) for list; both for clear. */
export function scopeOptions(input: ParsedInput, required: boolean): EventScope | undefined {
  const clientId = stringOption(input, 'client');
  const channelId = stringOption(input, 'channel');
  if (clientId === undefined && channelId === undefined && !required) return undefined;
  if (clientId === undefined || channelId === undefined) {
    throw new UsageError('give both --client and --channel (see: events list, which names the scopes with pending events)');
  }
  return { clientId, channelId };
}

function ordersOf(event: ChannelEvent): string {
  return event.associations
    .filter((association) => association.type === 'order' || association.type === 'order_refnum')
    .map((association) => association.id)
    .join(',');
}

export const eventsListCommand: Command = {
  name: 'events list',
  summary: 'pending failure events: scopes, or one scope\'s events',
  usage: 'events list [--client c --channel ch] [--limit n] [--json]',
  help: `Failure events wait, per RetailOPS client and channel, until a response to that client and channel has
carried them. Without --client/--channel: every scope with pending events and how many. With them: that
scope's events, oldest first (the order RetailOPS gets them in). The client is the credentials' client
(RETAILOPS_CLIENT_ID, or the payload's headers.client_id, else "default"); the channel is data.channel.id
(else "default").

Options:
  --client c    RetailOPS client id (with --channel)
  --channel ch  RetailOPS channel id (with --client)
  --limit n     at most n events (default 100)

Examples:
  npm run ops -- events list
  npm run ops -- events list --client default --channel 21`,
  options: { client: { type: 'string' }, channel: { type: 'string' }, limit: { type: 'string' } },
  prepare(input) {
    noPositionals(input);
    const scope = scopeOptions(input, false);
    const limit = limitOption(input, 100);
    return async ({ deps, out, json }) => {
      if (!scope) {
        const scopes = await listEventScopes(deps);
        if (json) out.out(JSON.stringify({ scopes }, null, 2));
        else if (scopes.length === 0) out.out('no pending events');
        else {
          out.out(
            table(scopes, [
              { header: 'client', value: (row) => row.clientId },
              { header: 'channel', value: (row) => row.channelId },
              { header: 'pending', value: (row) => row.pending, right: true },
            ]),
          );
        }
        return EXIT.ok;
      }
      const result = await listScopeEvents(deps, scope, limit);
      if (json) {
        out.out(JSON.stringify(result, null, 2));
        return EXIT.ok;
      }
      if (result.events.length === 0) {
        out.out(`no pending events for client ${scope.clientId} channel ${scope.channelId}`);
        return EXIT.ok;
      }
      out.out(
        table(result.events, [
          { header: 'id', value: (event) => event.id },
          { header: 'severity', value: (event) => event.severity },
          { header: 'action', value: (event) => event.action },
          { header: 'code', value: (event) => event.code },
          { header: 'order', value: ordersOf },
          { header: 'http', value: (event) => event.httpStatus, right: true },
          { header: 'at', value: (event) => event.occurredAt },
          { header: 'message', value: (event) => event.message, max: 80 },
        ]),
      );
      if (result.pending > result.events.length) out.out(`showing ${result.events.length} of ${plural(result.pending, 'pending event')}`);
      return EXIT.ok;
    };
  },
};
