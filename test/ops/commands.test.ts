import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { JobSummary } from '../../scripts/ops/lib/jobs.js';
import type { QueueReport } from '../../scripts/ops/queues.js';
import type { InboxBindingReport } from '../../scripts/ops/inbox-list.js';
import type { RetryReport } from '../../scripts/ops/failed-retry.js';
import { eventually, SEED_EXAMPLE_TICKET, settled, startStack, type Stack } from '../harness/stack.js';
import { createSandboxOrder, depsOf, failedCancelId, ops, poisonCancels, sendCancel } from './helpers.js';

/**
 * The operator commands in-process, on a running bridge (ingress, workers, sandbox): the jobs, events and inbox
 * entries they look at are made the way production makes them, through webhooks.
 */
let stack: Stack;

beforeAll(async () => {
  stack = await startStack({ env: { JOB_ATTEMPTS: '3' } });
});
afterAll(async () => stack?.close());
beforeEach(async () => {
  await Promise.all(Object.values(stack.queues).map((queue) => queue.resume()));
  await stack.reset();
});

async function poison(refnum: string): Promise<string> {
  await sendCancel(stack, refnum);
  await settled(stack);
  return failedCancelId(stack, refnum);
}

describe('failed list', () => {
  it('shows a job that failed for good with its order, client, channel, attempts and reason', async () => {
    const id = await poison('999');
    await sendCancel(stack, 496); // completes: not listed
    await settled(stack);

    const run = await ops(stack, ['failed', 'list', '--json']);
    expect(run.code).toBe(0);
    const { jobs, total } = run.json<{ jobs: JobSummary[]; total: number }>();
    expect(total).toBe(1);
    expect(jobs).toEqual([
      {
        id,
        queue: 'cancel',
        kind: 'cancel',
        refnums: ['999'],
        client: 'default',
        channel: '21',
        attempts: 1,
        failedReason: 'ORDER_NOT_FOUND: Order 999 does not exist in fabric',
        finishedOn: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
      },
    ]);

    const human = await ops(stack, ['failed', 'list']);
    expect(human.code).toBe(0);
    expect(human.stdout).toMatch(/^id\s+queue\s+kind\s+order\s+client\s+channel\s+attempts\s+failed at\s+reason/);
    expect(human.stdout).toContain(id);
    expect(human.stdout).toContain('999');
  });

  it('filters by order and queue, newest first, and cuts at --limit', async () => {
    const first = await poison('997');
    const second = await poison('998');
    const byOrder = (await ops(stack, ['failed', 'list', '--order', '998', '--json'])).json<{ jobs: JobSummary[]; total: number }>();
    expect(byOrder.jobs.map((job) => job.id)).toEqual([second]);
    expect((await ops(stack, ['failed', 'list', '--order', '496', '--json'])).json<{ total: number }>().total).toBe(0);
    expect((await ops(stack, ['failed', 'list', '--queue', 'order', '--json'])).json<{ total: number }>().total).toBe(0);

    const all = (await ops(stack, ['failed', 'list', '--queue', 'cancel', '--json'])).json<{ jobs: JobSummary[] }>();
    expect(all.jobs.map((job) => job.id)).toEqual([second, first]);
    const limited = await ops(stack, ['failed', 'list', '--limit', '1']);
    expect(limited.stdout).toContain(second);
    expect(limited.stdout).not.toContain(first);
    expect(limited.stdout).toContain('showing 1 of 2 failed jobs');
    expect((await ops(stack, ['failed', 'list', '--order', '496'])).stdout).toBe('no failed jobs for order 496');
  });
});

describe('failed retry', () => {
  it('moves the failed job back to waiting with its attempts reset; once fixed, it completes', async () => {
    const id = await poison('999');
    await createSandboxOrder(stack, '999'); // the fix: the order exists in fabric now
    await stack.queues.cancel.pause(); // hold it in the wait list to look at it

    const run = await ops(stack, ['failed', 'retry', id, '--json']);
    expect(run.code).toBe(0);
    expect(run.json<RetryReport>()).toEqual({ retried: [expect.objectContaining({ id, queue: 'cancel', refnums: ['999'], attempts: 1 })], failures: [] });
    expect(await stack.queues.cancel.getJobState(id)).toBe('waiting');
    const job = await stack.queues.cancel.getJob(id);
    expect(job?.attemptsMade).toBe(0);

    const [cancelQueue] = (await ops(stack, ['queues', '--queue', 'cancel', '--json'])).json<{ queues: QueueReport[] }>().queues;
    expect(cancelQueue).toMatchObject({ isPaused: true, counts: { waiting: 0, paused: 1, failed: 0 }, oldestBacklogJobId: id });

    await stack.queues.cancel.resume();
    await eventually('the retried job to complete', async () => ((await stack.queues.cancel.getJobState(id)) === 'completed' ? true : undefined));
    expect((await stack.sandbox.calls()).filter((call) => call.kind === 'cancel').map((call) => call.orderNumber)).toEqual(['999']);

    const again = await ops(stack, ['failed', 'retry', id]);
    expect(again.code).toBe(1);
    expect(again.stderr).toContain(`job ${id} in queue cancel is completed, not failed`);
  });

  it('--all retries every failed job of the queue and nothing else', async () => {
    const ids = [await poison('997'), await poison('998')];
    await sendCancel(stack, 496);
    await settled(stack);
    const completed = (await stack.queues.cancel.getCompleted()).map((job) => job.id);
    await stack.queues.cancel.pause();

    const run = await ops(stack, ['failed', 'retry', '--all', '--queue', 'cancel']);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('retried 2 jobs (back to waiting)');
    expect((await stack.queues.cancel.getWaiting()).map((job) => job.id).sort()).toEqual([...ids].sort());
    expect((await stack.queues.cancel.getCompleted()).map((job) => job.id)).toEqual(completed);
    expect(await stack.queues.cancel.getFailedCount()).toBe(0);

    // Still unfixable: they run again, with a fresh attempt count, and are back in the failed set.
    await stack.queues.cancel.resume();
    await settled(stack);
    const failed = await stack.queues.cancel.getFailed();
    expect(failed.map((job) => [job.id, job.attemptsMade]).sort()).toEqual(ids.map((id) => [id, 1]).sort());
    const none = await ops(stack, ['failed', 'retry', '--all', '--queue', 'update']);
    expect([none.code, none.stdout]).toEqual([0, 'no failed jobs to retry']);
  });

  it('an unknown id is a failure, and so is a job that is not failed', async () => {
    const missing = await ops(stack, ['failed', 'retry', 'cancel-nope', '--json']);
    expect(missing.code).toBe(1);
    expect(missing.json()).toMatchObject({ error: expect.stringContaining('no job cancel-nope in any queue') });
    expect(missing.stderr).toContain('no job cancel-nope');
  });
});

describe('failed discard', () => {
  it('removes a failed job, and refuses one in any other state', async () => {
    const id = await poison('999');
    await sendCancel(stack, 496);
    await settled(stack);
    const [done] = await stack.queues.cancel.getCompleted();

    const refused = await ops(stack, ['failed', 'discard', done?.id ?? '', '--queue', 'cancel']);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('is completed, not failed: not discarded');
    expect(await stack.queues.cancel.getJobState(done?.id ?? '')).toBe('completed');

    const run = await ops(stack, ['failed', 'discard', id, '--json']);
    expect(run.code).toBe(0);
    expect(run.json()).toEqual({ discarded: expect.objectContaining({ id, queue: 'cancel', refnums: ['999'] }) });
    expect(await stack.queues.cancel.getJob(id)).toBeUndefined();
    expect(await stack.queues.cancel.getFailedCount()).toBe(0);

    const twice = await ops(stack, ['failed', 'discard', id]);
    expect(twice.code).toBe(1);
    expect(twice.stderr).toContain(`no job ${id}`);
  });
});

describe('events', () => {
  it('lists scopes, then a scope\'s events; clears one, then all', async () => {
    const ids = await poisonCancels(stack, ['998', '999']);
    const scopes = await ops(stack, ['events', 'list', '--json']);
    expect(scopes.code).toBe(0);
    expect(scopes.json()).toEqual({ scopes: [{ clientId: 'default', channelId: '21', pending: 2 }] });
    expect((await ops(stack, ['events', 'list'])).stdout).toMatch(/^client\s+channel\s+pending\ndefault\s+21\s+2$/);

    const listed = (await ops(stack, ['events', 'list', '--client', 'default', '--channel', '21', '--json'])).json<{ pending: number; events: { id: string; code: string }[] }>();
    expect(listed.pending).toBe(2);
    expect(listed.events.map((event) => [event.id, event.code]).sort()).toEqual(ids.map((id) => [`job-${id}`, 'ORDER_NOT_FOUND']).sort());
    const human = await ops(stack, ['events', 'list', '--client', 'default', '--channel', '21']);
    expect(human.stdout).toContain('ORDER_NOT_FOUND');
    expect(human.stdout).toContain(`job-${ids[0]}`);

    const one = await ops(stack, ['events', 'clear', '--client', 'default', '--channel', '21', '--id', `job-${ids[0]}`, '--json']);
    expect(one.code).toBe(0);
    expect(one.json()).toMatchObject({ removed: 1 });
    const gone = await ops(stack, ['events', 'clear', '--client', 'default', '--channel', '21', '--id', `job-${ids[0]}`]);
    expect(gone.code).toBe(1);
    expect(gone.stderr).toContain(`no pending event job-${ids[0]}`);

    const rest = await ops(stack, ['events', 'clear', '--client', 'default', '--channel', '21']);
    expect([rest.code, rest.stdout]).toEqual([0, 'removed 1 pending event for client default channel 21']);
    expect((await ops(stack, ['events', 'list', '--json'])).json()).toEqual({ scopes: [] });
    expect((await ops(stack, ['events', 'list'])).stdout).toBe('no pending events');
  });

  it('decodes client and channel ids that the keys encode', async () => {
    // Stored directly: the ingress may refuse such ids, the key layout must still not depend on it.
    await depsOf(stack).events.add({ clientId: 'shop:a b', channelId: 'web/1' }, {
      id: 'job-cancel-odd-ids',
      severity: 'error',
      action: 'order_cancel',
      code: 'ORDER_NOT_FOUND',
      message: 'Order 999 does not exist in fabric',
      httpStatus: null,
      requestUrl: null,
      associations: [{ type: 'order', id: '999' }],
      diagnostic: {},
      occurredAt: new Date().toISOString(),
    });
    expect((await ops(stack, ['events', 'list', '--json'])).json()).toEqual({ scopes: [{ clientId: 'shop:a b', channelId: 'web/1', pending: 1 }] });
    const cleared = await ops(stack, ['events', 'clear', '--client', 'shop:a b', '--channel', 'web/1', '--json']);
    expect(cleared.json()).toMatchObject({ clientId: 'shop:a b', channelId: 'web/1', removed: 1 });
  });
});

describe('inbox list', () => {
  it('shows the unacknowledged orders of the binding, oldest first', async () => {
    // An order fetch asks for a sync; the workers fill the inbox with the sandbox's demo orders.
    const query = new URLSearchParams({ 'headers[client_id]': '497', 'headers[ticket]': SEED_EXAMPLE_TICKET, 'data[channel][id]': '21' });
    expect((await fetch(`${stack.ingressUrl}/orders?${query.toString()}`)).status).toBe(200);
    const pending = await eventually('the sync to fill the inbox', async () => {
      const count = await stack.redis.zcard(`${stack.config.queuePrefix}:inbox:default:pending`);
      return count > 1 ? count : undefined;
    });
    await settled(stack);

    const run = await ops(stack, ['inbox', 'list', '--json']);
    expect(run.code).toBe(0);
    const { bindings } = run.json<{ bindings: InboxBindingReport[] }>();
    expect(bindings).toHaveLength(1);
    expect(bindings[0]).toMatchObject({ binding: 'default', pending });
    expect(bindings[0]?.orders).toHaveLength(pending);
    expect(bindings[0]?.orders[0]).toEqual({ refnum: expect.any(String), createdAt: expect.any(String), email: expect.stringContaining('@'), items: expect.any(Number), units: expect.any(Number) });
    expect(bindings[0]?.orders.map((order) => order.refnum)).toContain('496');

    const limited = await ops(stack, ['inbox', 'list', '--binding', 'default', '--limit', '1']);
    expect(limited.stdout).toContain(`binding default: ${pending} pending orders`);
    expect(limited.stdout).toMatch(/refnum\s+created\s+email\s+items\s+units/);
    expect(limited.stdout).toContain(`showing 1 of ${pending}`);
    const other = (await ops(stack, ['inbox', 'list', '--binding', 'nobody', '--json'])).json<{ bindings: InboxBindingReport[] }>();
    expect(other.bindings).toEqual([{ binding: 'nobody', pending: 0, orders: [] }]);
  });
});

describe('queues', () => {
  it('counts completed and failed jobs per queue', async () => {
    await poison('999');
    await sendCancel(stack, 496);
    await settled(stack);
    const run = await ops(stack, ['queues', '--json']);
    expect(run.code).toBe(0);
    const reports = run.json<{ queues: QueueReport[] }>().queues;
    expect(reports.map((report) => report.queue)).toEqual(['order', 'cancel', 'update', 'return', 'inventory']);
    expect(reports[1]).toEqual({
      queue: 'cancel',
      counts: { waiting: 0, active: 0, delayed: 0, prioritized: 0, completed: 1, failed: 1, paused: 0 },
      isPaused: false,
      backlogAgeSeconds: 0,
      oldestBacklogJobId: null,
    });
    const human = await ops(stack, ['queues']);
    expect(human.stdout.split('\n')[0]).toMatch(/^queue\s+waiting\s+active\s+delayed\s+prioritized\s+completed\s+failed\s+paused\s+backlog age \(s\)$/);
    expect(human.stdout).toMatch(/\ncancel\s+0\s+0\s+0\s+0\s+1\s+1\s+0\s+0\n/);
  });
});
