import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { AuditList } from '../../shared/audit.js';
import { auditStreamKey, laneKey, webhookArchiveKey } from '../../shared/keys.js';
import type { ReplayPlan, ReplayReport } from '../../scripts/ops/lib/replay-plan.js';
import { postJson } from '../harness/http.js';
import { settled, startStack, TEST_TOKEN, type Stack } from '../harness/stack.js';
import { createSandboxOrder, ops, sendCancel } from './helpers.js';

/**
 * `ops replay`: fabric down for a while, the webhooks of that window fail for good; once fabric is back, a replay
 * of the window (archived webhooks, fresh job ids, through the lanes) makes every action take effect exactly once,
 * including those that had taken effect before the outage.
 */
let stack: Stack;

beforeAll(async () => {
  stack = await startStack({ env: { JOB_ATTEMPTS: '2', FABRIC_BREAKER_THRESHOLD: '1000' } });
});
afterAll(async () => stack?.close());
beforeEach(async () => {
  await stack.sandbox.clearFaults();
  await stack.reset();
  await stack.redis.del(webhookArchiveKey(stack.config.queuePrefix), auditStreamKey(stack.config.queuePrefix));
});

type JsonReport = Omit<ReplayReport, 'plan'> & { plan: ReplayPlan };

async function replay(args: readonly string[]): Promise<{ code: number; report: JsonReport; stderr: string }> {
  const run = await ops(stack, ['replay', ...args, '--json']);
  return { code: run.code, report: run.json<JsonReport>(), stderr: run.stderr };
}

async function sendUpdate(refnum: string): Promise<void> {
  const response = await postJson(stack.ingressUrl, '/order_update', { data: { channel: { id: 21 }, order: { channel_refnum: refnum }, line_items: [{ sku: 'SKU-1', quantity: 0 }] } }, { bearer: TEST_TOKEN });
  expect(response.status).toBe(200);
}

/** Cancels of each order that reached fabric's business logic and succeeded. */
async function effectiveCancels(): Promise<Map<string, number>> {
  const counts = new Map<string, number>();
  for (const call of await stack.sandbox.calls()) {
    if (call.kind !== 'cancel' || call.status >= 300 || call.orderNumber === null) continue;
    counts.set(call.orderNumber, (counts.get(call.orderNumber) ?? 0) + 1);
  }
  return counts;
}

/** A window of webhooks: some before the outage (they took effect), the rest during it (they failed for good). */
async function outage(before: readonly string[], during: readonly string[]): Promise<{ since: string; until: string }> {
  for (const order of [...before, ...during]) await createSandboxOrder(stack, order);
  // The first order sync must not meet the outage: settle first.
  await settled(stack);
  const since = new Date(Date.now() - 1).toISOString();
  for (const order of before) await sendCancel(stack, order);
  await settled(stack);
  await stack.sandbox.setFaults({ errorRate: 1, status: 503 });
  for (const order of during) await sendCancel(stack, order);
  await sendCancel(stack, during[0] ?? ''); // RetailOPS resends one: the same job, one action
  await settled(stack, 30_000);
  await stack.sandbox.clearFaults();
  const until = new Date(Date.now() + 1).toISOString();
  return { since, until };
}

describe('ops replay', () => {
  it('replays an outage window: every action ends once, the ones done before included', async () => {
    const before = ['RP1', 'RP2'];
    const during = ['RP3', 'RP4', 'RP5', 'RP6'];
    const window = await outage(before, during);
    expect(await stack.queues.cancel.getFailedCount()).toBe(during.length);
    expect([...(await effectiveCancels()).keys()].sort()).toEqual(before);

    // The preview: every archived action, its original job's state, what the replay would do; nothing enqueued.
    const preview = await replay(['--since', window.since, '--until', window.until, '--dry-run']);
    expect(preview.code).toBe(0);
    expect(preview.report.dryRun).toBe(true);
    expect(preview.report.outcomes).toEqual([]);
    const byOrder = (plan: ReplayPlan, order: string) => plan.actions.filter((action) => action.refnums.includes(order));
    for (const order of before) expect(byOrder(preview.report.plan, order).map((action) => [action.original.state, action.skip])).toEqual([['completed', null]]);
    for (const order of during.slice(1)) {
      expect(byOrder(preview.report.plan, order).map((action) => [action.original.state, action.original.code, action.skip])).toEqual([['failed', expect.any(String), null]]);
    }
    // The resent webhook was archived twice and is one job: replayed once.
    expect(byOrder(preview.report.plan, during[0] ?? '').map((action) => action.skip)).toEqual([null, 'duplicate']);
    expect(preview.report.plan.counts).toEqual({ replay: before.length + during.length, skip: { duplicate: 1 } });
    expect(JSON.stringify(preview.report.plan)).not.toContain('"payload"');
    expect((await stack.queues.cancel.getJobCounts('waiting', 'delayed', 'prioritized', 'active', 'completed')).completed).toBe(before.length);

    // --code narrows it to the outage's failures.
    const failureCode = byOrder(preview.report.plan, 'RP4')[0]?.original.code ?? '';
    const narrowed = await replay(['--since', window.since, '--until', window.until, '--code', failureCode, '--dry-run']);
    expect(narrowed.report.plan.actions.filter((action) => action.skip === null).flatMap((action) => action.refnums).sort()).toEqual(during);

    const done = await replay(['--since', window.since, '--until', window.until, '--actor', 'oncall']);
    expect(done.code).toBe(0);
    expect(done.report.outcomes.map((outcome) => outcome.result)).toEqual(Array(before.length + during.length).fill('queued'));
    for (const outcome of done.report.outcomes) expect(outcome.replayJobId).toMatch(new RegExp(`^cancel-.*-replay-${done.report.plan.replayId}$`));
    await settled(stack, 30_000);

    // Each order cancelled once in fabric: the outage's now, the earlier ones not again.
    const cancels = await effectiveCancels();
    expect(Object.fromEntries(cancels)).toEqual(Object.fromEntries([...before, ...during].map((order) => [order, 1])));
    for (const order of [...before, ...during]) expect((await stack.sandbox.getOrder(order))?.statusCode).toBe('ORDER_CANCELLED');
    // The replayed jobs all completed and carry the replay's id.
    const replayed = (await stack.queues.cancel.getCompleted()).filter((job) => job.id?.includes('-replay-'));
    expect(replayed).toHaveLength(before.length + during.length);
    for (const job of replayed) expect((job.data as { meta: { replayId?: string } }).meta.replayId).toBe(done.report.plan.replayId);

    // Who replayed what, and how it went.
    const audit = await ops(stack, ['audit', '--json']);
    const [entry] = audit.json<AuditList>().entries;
    expect(entry).toMatchObject({ actor: 'oncall', command: 'replay', result: 'ok', counts: { replayed: before.length + during.length, notReplayed: 0, skipped: 1 } });
    expect(entry?.args).toMatchObject({ replayId: done.report.plan.replayId });

    // A second replay of the same window is as harmless: new jobs, no second cancel.
    const again = await replay(['--since', window.since, '--until', window.until, '--actor', 'oncall']);
    expect(again.code).toBe(0);
    await settled(stack, 30_000);
    expect(Object.fromEntries(await effectiveCancels())).toEqual(Object.fromEntries(cancels));
  }, 90_000);

  it('skips actions still queued, keeps the lanes, and scopes by order, queue and client', async () => {
    await createSandboxOrder(stack, 'RQ1');
    await settled(stack);
    const since = new Date(Date.now() - 1).toISOString();
    await stack.queues.cancel.pause();
    await stack.queues.update.pause();
    try {
      await sendCancel(stack, 'RQ1');
      await sendUpdate('RQ1');
      const plan = (await replay(['--since', since, '--dry-run'])).report.plan;
      expect(plan.actions.map((action) => [action.kind, action.skip])).toEqual([['cancel', 'still-queued'], ['update', 'still-queued']]);
      expect((await replay(['--since', since, '--queue', 'update', '--dry-run'])).report.plan.actions.map((action) => action.kind)).toEqual(['update']);
      expect((await replay(['--since', since, '--order', 'nope', '--dry-run'])).report.plan.actions).toEqual([]);
      expect((await replay(['--since', since, '--client', 'someone-else', '--dry-run'])).report.plan.actions).toEqual([]);
      // Nothing to enqueue: nothing done, nothing audited.
      const run = await replay(['--since', since]);
      expect(run.code).toBe(0);
      expect(run.report.outcomes).toEqual([]);
    } finally {
      await stack.queues.cancel.resume();
      await stack.queues.update.resume();
    }
    await settled(stack);

    // Replayed, they join the order's lane in the order RetailOPS sent them (a worker runs them in that order).
    await stack.queues.cancel.pause();
    await stack.queues.update.pause();
    try {
      const done = await replay(['--since', since, '--order', 'RQ1']);
      expect(done.report.outcomes.map((outcome) => outcome.queue)).toEqual(['cancel', 'update']);
      const lane = await stack.redis.lrange(laneKey(stack.config.queuePrefix, 'default', 'RQ1'), 0, -1);
      expect(lane).toEqual(done.report.outcomes.map((outcome) => `${outcome.queue}/${outcome.replayJobId}`));
    } finally {
      await stack.queues.cancel.resume();
      await stack.queues.update.resume();
    }
    await settled(stack);
  });

  it('a replayed job knows its original\'s changes in fabric as its own', async () => {
    await createSandboxOrder(stack, 'RU1');
    await settled(stack);
    const since = new Date(Date.now() - 1).toISOString();
    await sendUpdate('RU1');
    await settled(stack);
    const [original] = await stack.queues.update.getCompleted();
    expect(original?.returnvalue).toMatchObject({ outcome: 'cancelled 1 line(s)' });

    const done = await replay(['--since', since, '--order', 'RU1']);
    expect(done.report.outcomes).toHaveLength(1);
    await settled(stack);
    const replayed = await stack.queues.update.getJob(done.report.outcomes[0]?.replayJobId ?? '');
    expect(replayed?.data).toMatchObject({ meta: { replayId: done.report.plan.replayId, replayOf: original?.id } });
    // Not "unchanged" read from quantities: the original's mark on the order, so a later change in fabric is not undone.
    expect(replayed?.returnvalue).toMatchObject({ outcome: 'already-applied' });
  });

  it('refuses a plan over --limit whole, and bad windows as usage errors', async () => {
    await createSandboxOrder(stack, 'RL1');
    await createSandboxOrder(stack, 'RL2');
    await settled(stack);
    const since = new Date(Date.now() - 1).toISOString();
    await sendCancel(stack, 'RL1');
    await sendCancel(stack, 'RL2');
    await settled(stack);
    const over = await ops(stack, ['replay', '--since', since, '--limit', '1']);
    expect(over.code).toBe(1);
    expect(over.stderr).toContain('more than --limit 1');
    expect((await stack.queues.cancel.getCompleted()).filter((job) => job.id?.includes('-replay-'))).toEqual([]);

    expect((await ops(stack, ['replay'])).code).toBe(2);
    expect((await ops(stack, ['replay', '--since', 'yesterday'])).stderr).toContain('--since');
    expect((await ops(stack, ['replay', '--since', '2026-11-30T10:00:00'])).code).toBe(2); // no zone
    expect((await ops(stack, ['replay', '--since', '1h', '--until', '2h'])).stderr).toContain('before --since');
    // The human output: the plan, then what was done.
    const shown = await ops(stack, ['replay', '--since', '1h', '--dry-run']);
    expect(shown.code).toBe(0);
    expect(shown.stdout).toMatch(/2 actions to enqueue again, 0 skipped/);
    expect(shown.stdout).toContain('dry run: nothing was enqueued');
  });
});
