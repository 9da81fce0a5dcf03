import type { EventScope } from '../../shared/events/event.js';
import { eventKeys } from '../../shared/keys.js';
import { noPositionals, stringOption, type Command } from './lib/command.js';
import { ACTOR_OPTION, ACTOR_OPTION_HELP, actorOption, runAudited } from './lib/audit-run.js';
import { EXIT, OpsError, type OpsDeps } from './lib/core.js';
import { plural } from './lib/format.js';
import { scopeOptions } from './events-list.js';

export interface ClearReport extends EventScope {
  /** How many pending events were removed. */
  readonly removed: number;
  readonly ids: string[];
}

const CHUNK = 500;

/**
 * Removes pending events of one scope through EventStore.acknowledge, as if a response had delivered them: one
 * id, or every id pending when it runs (read from the scope's sorted set, so unreadable events go too). Events
 * added meanwhile stay.
 */
export async function clearEvents(deps: Pick<OpsDeps, 'events' | 'redis' | 'prefix'>, scope: EventScope, id?: string): Promise<ClearReport> {
  if (id !== undefined) {
    const removed = await deps.events.acknowledge(scope, [id]);
    if (removed === 0) {
      throw new OpsError(`no pending event ${id} for client ${scope.clientId} channel ${scope.channelId}`, { ...scope, id });
    }
    return { ...scope, removed, ids: [id] };
  }
  const ids = await deps.redis.zrange(eventKeys(deps.prefix, scope.clientId, scope.channelId).order, 0, -1);
  let removed = 0;
  for (let start = 0; start < ids.length; start += CHUNK) {
    removed += await deps.events.acknowledge(scope, ids.slice(start, start + CHUNK));
  }
  return { ...scope, removed, ids };
}

export const eventsClearCommand: Command = {
  name: 'events clear',
  summary: 'remove pending failure events of one client and channel',
  usage: 'events clear --client c --channel ch [--id event-id] [--actor a] [--json]',
  help: `Removes pending failure events so that RetailOPS never receives them: all of one client and channel, or
one event (--id). Use it when RetailOPS must not be told (the failure was handled by hand), never to "fix" a
failure: the event is how RetailOPS learns that an action did not happen. Event ids are "job-<job id>" for
failed jobs (see: events list). Recorded in the audit stream (see: audit) first: if that cannot be written, nothing
is removed.

Options:
  --client c    RetailOPS client id (required)
  --channel ch  RetailOPS channel id (required)
  --id e        only this event
  ${ACTOR_OPTION_HELP}

Exit codes: 0 removed (or nothing pending), 1 --id given and no such event pending, 2 usage error.

Examples:
  npm run ops -- events clear --client default --channel 21 --id job-cancel-default-21-9c1e…
  npm run ops -- events clear --client 497 --channel 21`,
  options: { client: { type: 'string' }, channel: { type: 'string' }, id: { type: 'string' }, ...ACTOR_OPTION },
  prepare(input) {
    noPositionals(input);
    const scope = scopeOptions(input, true) as EventScope;
    const id = stringOption(input, 'id');
    const actor = actorOption(input);
    return async (context) => {
      const { deps, out, json } = context;
      const args = { client: scope.clientId, channel: scope.channelId, id: id ?? null };
      const report = await runAudited(context, { actor, command: 'events clear', args }, () => clearEvents(deps, scope, id), (result) => ({
        result: 'ok',
        counts: { removed: result.removed },
      }));
      if (json) out.out(JSON.stringify(report, null, 2));
      else out.out(`removed ${plural(report.removed, 'pending event')} for client ${scope.clientId} channel ${scope.channelId}`);
      return EXIT.ok;
    };
  },
};
