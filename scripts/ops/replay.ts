import { ACTOR_OPTION, ACTOR_OPTION_HELP, actorOption, runAudited } from './lib/audit-run.js';
import { limitOption, noPositionals, queueOption, QUEUE_OPTION_HELP, stringOption, type Command } from './lib/command.js';
import { EXIT, OpsError, UsageError, type Output } from './lib/core.js';
import { plural, table } from './lib/format.js';
import { executeReplay, planForOutput, planReplay, SKIP_REASONS, type ReplayFilters, type ReplayOutcome, type ReplayPlan, type ReplayReport, type SkipReason } from './lib/replay-plan.js';
import { timeOption, TIME_OPTION_HELP } from './lib/time.js';

const SHOWN = 200;

function renderPlan(plan: ReplayPlan, out: Output): void {
  const skipped = plan.actions.length - plan.counts.replay;
  out.out(`replay ${plan.replayId}: webhooks archived ${plan.since} – ${plan.until} (${plural(plan.scanned, 'archive entry', 'archive entries')} read): ${plural(plan.counts.replay, 'action')} to enqueue again, ${skipped} skipped`);
  if (plan.actions.length === 0) return;
  out.out(
    table(plan.actions.slice(0, SHOWN), [
      { header: 'received', value: (action) => action.receivedAt },
      { header: 'kind', value: (action) => action.kind },
      { header: 'order', value: (action) => action.refnums.join(','), max: 30 },
      { header: 'client/channel', value: (action) => `${action.client}/${action.channel}` },
      { header: 'original job', value: (action) => `${action.original.state}${action.original.code ? ` ${action.original.code}` : ''}` },
      { header: 'plan', value: (action) => (action.skip === null ? `replay as ${action.replayJobId}` : `skip: ${action.skip}`), max: 120 },
    ]),
  );
  if (plan.actions.length > SHOWN) out.out(`… and ${plan.actions.length - SHOWN} more (--json lists all)`);
  for (const [reason, count] of Object.entries(plan.counts.skip)) out.out(`  skip ${reason} (${count}): ${SKIP_REASONS[reason as SkipReason]}`);
}

function renderOutcomes(report: ReplayReport, out: Output): void {
  const { plan } = report;
  const failed = report.outcomes.filter((outcome) => outcome.result === 'error');
  out.out(`enqueued ${plural(report.outcomes.length - failed.length, 'job')} under replay ${plan.replayId}: npm run ops -- queues to watch them, npm run ops -- order <refnum> for one order`);
  if (failed.length > 0) {
    out.err(`${plural(failed.length, 'action')} not enqueued (run the same replay again: the rest are not repeated unless their jobs have finished):`);
    out.err(table(failed, [
      { header: 'archive entry', value: (outcome) => outcome.archiveId },
      { header: 'job', value: (outcome) => outcome.replayJobId },
      { header: 'error', value: (outcome) => outcome.error, max: 120 },
    ]));
  }
}

export const replayCommand: Command = {
  name: 'replay',
  summary: 'enqueue the archived webhooks of a time window again (after an outage), with a preview',
  usage: 'replay --since t [--until t] [--client c] [--channel c] [--queue q] [--code CODE] [--order refnum] [--limit n] [--dry-run] [--actor a] [--json]',
  help: `Reads the webhook archive (WEBHOOK_ARCHIVE) for the webhooks accepted between --since and --until and
enqueues their actions again, oldest first, each under a fresh job id (<original id>-replay-<replay id>) and
through its order's lane, as the ingress would: the workers run them as new. It first prints the plan, one line per
action with the state of its original job now and what the replay does with it; with --dry-run that is all.

Skipped, and said why: an action whose original job is still waiting or running (it will run anyway), a
redelivered webhook already in the plan, an inventory push (the archive keeps no quantities: RetailOPS' next push
sets them), a payload or kind this version cannot read, a channel binding no longer configured.

An action that already took effect is harmless to replay: each worker reads fabric first and changes only what
is not yet so (a cancelled order is not cancelled twice, a shipment already recorded is not added again); its job
completes with nothing done. --code narrows the replay to the actions whose original job failed with that code.
Recorded in the audit stream (see: audit) before anything is enqueued.

Options:
  --since t     start of the window: ${TIME_OPTION_HELP} (required)
  --until t     end of the window (default: now)
  --client c    only webhooks of RetailOPS client c
  --channel c   only webhooks of RetailOPS channel c
  ${QUEUE_OPTION_HELP}
  --code C      only actions whose original job failed with code C (FABRIC_UNAVAILABLE, …; see: failed list)
  --order r     only actions on order refnum r
  --limit n     refuse a plan with more than n actions to enqueue (default 10000)
  --dry-run     print the plan only
  ${ACTOR_OPTION_HELP}

Exit codes: 0 done (or planned), 1 Redis unreachable, the plan over --limit, or some action not enqueued (listed), 2 usage error.

Examples:
  npm run ops -- replay --since 2026-11-30T14:00:00Z --until 2026-11-30T15:10:00Z --dry-run
  npm run ops -- replay --since 2h --code FABRIC_UNAVAILABLE --actor alice`,
  options: {
    since: { type: 'string' },
    until: { type: 'string' },
    client: { type: 'string' },
    channel: { type: 'string' },
    queue: { type: 'string' },
    code: { type: 'string' },
    order: { type: 'string' },
    limit: { type: 'string' },
    'dry-run': { type: 'boolean' },
    ...ACTOR_OPTION,
  },
  prepare(input) {
    noPositionals(input);
    const sinceText = stringOption(input, 'since');
    if (sinceText === undefined) throw new UsageError('--since is required: the start of the window to replay');
    const since = timeOption('since', sinceText);
    const untilText = stringOption(input, 'until');
    const until = untilText === undefined ? (now: number) => now : timeOption('until', untilText);
    const checkedAt = Date.now();
    if (until(checkedAt) < since(checkedAt)) throw new UsageError('--until is before --since');
    const [client, channel, code, order] = ['client', 'channel', 'code', 'order'].map((name) => stringOption(input, name));
    const queue = queueOption(input);
    const scope = {
      limit: limitOption(input, 10_000, 1_000_000),
      ...(client !== undefined ? { client } : {}),
      ...(channel !== undefined ? { channel } : {}),
      ...(queue !== undefined ? { queue } : {}),
      ...(code !== undefined ? { code } : {}),
      ...(order !== undefined ? { order } : {}),
    };
    const dryRun = input.values['dry-run'] === true;
    const actor = actorOption(input);
    return async (context) => {
      const { deps, out, json } = context;
      const now = deps.now?.() ?? Date.now();
      const filters: ReplayFilters = { since: since(now), until: until(now), ...scope };
      const plan = await planReplay(deps, filters);
      if (plan.counts.replay > filters.limit) {
        throw new OpsError(`the plan has ${plan.counts.replay} actions to enqueue, more than --limit ${filters.limit}: narrow the window or the filters, or raise --limit (nothing enqueued)`, { replay: plan.counts.replay, limit: filters.limit });
      }
      // The plan is shown before anything is enqueued: an operator who stops the command there has changed nothing.
      if (!json) renderPlan(plan, out);
      let outcomes: ReplayOutcome[] = [];
      if (!dryRun && plan.counts.replay > 0) {
        const { limit: _limit, ...narrowedBy } = scope;
        const intent = { actor, command: 'replay', args: { replayId: plan.replayId, since: plan.since, until: plan.until, ...narrowedBy } };
        outcomes = await runAudited(context, intent, () => executeReplay(deps, plan), (done) => {
          const errors = done.filter((outcome) => outcome.result === 'error').length;
          return {
            result: errors > 0 ? 'error' : 'ok',
            message: `replay ${plan.replayId}`,
            counts: { replayed: done.length - errors, notReplayed: errors, skipped: plan.actions.length - plan.counts.replay },
          };
        });
      }
      const report: ReplayReport = { plan, dryRun, outcomes };
      const exit = outcomes.some((outcome) => outcome.result === 'error') ? EXIT.failure : EXIT.ok;
      if (json) {
        out.out(JSON.stringify({ ...report, plan: planForOutput(plan) }, null, 2));
        return exit;
      }
      if (dryRun) out.out('dry run: nothing was enqueued');
      else if (plan.counts.replay > 0) renderOutcomes(report, out);
      return exit;
    };
  },
};
