import { spawn } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { JobSummary } from '../../scripts/ops/lib/jobs.js';
import type { QueueReport } from '../../scripts/ops/queues.js';
import type { InboxBindingReport } from '../../scripts/ops/inbox-list.js';
import { eventually, SEED_EXAMPLE_TICKET, settled, startStack, type Stack } from '../harness/stack.js';
import { createSandboxOrder, failedCancelId, opsEnv, opsProcess, poisonCancels, root, sendCancel } from './helpers.js';

/**
 * The CLI as an operator runs it: a separate process configured by REDIS_URL and QUEUE_PREFIX only, next to a
 * running bridge. Exit codes, --json on stdout, and the effect of retry and discard on the real jobs.
 */
let stack: Stack;
let env: Record<string, string>;

beforeAll(async () => {
  stack = await startStack();
  env = opsEnv(stack);
});
afterAll(async () => stack?.close());

describe('ops as a child process', { timeout: 60_000 }, () => {
  it('help, usage errors and configuration errors need no Redis', async () => {
    const [help, usage, badConfig, unreachable] = await Promise.all([
      opsProcess({}, ['failed', 'retry', '--help']),
      opsProcess(env, ['failed', 'list', '--limit', 'lots']),
      opsProcess({ QUEUE_PREFIX: '' }, ['queues', '--json']),
      opsProcess({ REDIS_URL: 'redis://:hunter2@127.0.0.1:1' }, ['queues', '--json']),
    ]);
    expect([help.code, help.stderr]).toEqual([0, '']);
    expect(help.stdout).toContain('Usage: npm run ops -- failed retry <job-id>');
    expect([usage.code, usage.stdout]).toEqual([2, '']);
    expect(usage.stderr).toContain('--limit must be a whole number');
    expect([badConfig.code, badConfig.stdout]).toEqual([2, '']);
    expect(badConfig.stderr).toContain('QUEUE_PREFIX');
    expect(unreachable.code).toBe(1);
    expect(unreachable.json()).toMatchObject({ error: expect.stringContaining('cannot reach Redis at redis://:***@127.0.0.1:1') });
    expect(unreachable.stderr + unreachable.stdout).not.toContain('hunter2');
  });

  it('npm run ops runs the CLI; --help exits 0', async () => {
    const run = await new Promise<{ code: number | null; stdout: string }>((resolve, reject) => {
      const child = spawn('npm', ['run', '-s', 'ops', '--', '--help'], { cwd: root, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'ignore'] });
      let stdout = '';
      child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
      child.once('error', reject);
      child.once('close', (code) => resolve({ code, stdout }));
    });
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('Usage: npm run ops -- <command> [options]');
    expect(run.stdout).toContain('Exit codes: 0 ok, 1 failure');
  });

  it('a poison job: found by order, retried after the fix, completed; another discarded', async () => {
    await sendCancel(stack, 999);
    await sendCancel(stack, 998);
    await settled(stack);
    const [id999, id998] = [await failedCancelId(stack, '999'), await failedCancelId(stack, '998')];

    const [queues, list, events] = await Promise.all([
      opsProcess(env, ['queues', '--json']),
      opsProcess(env, ['failed', 'list', '--order', '999', '--json']),
      opsProcess(env, ['events', 'list', '--json']),
    ]);
    expect(queues.code).toBe(0);
    expect(queues.json<{ queues: QueueReport[] }>().queues.find((report) => report.queue === 'cancel')?.counts.failed).toBe(2);
    expect(list.code).toBe(0);
    expect(list.json<{ jobs: JobSummary[] }>().jobs).toEqual([expect.objectContaining({ id: id999, queue: 'cancel', refnums: ['999'], attempts: 1 })]);
    expect(events.code).toBe(0);
    expect(events.json()).toEqual({ scopes: [{ clientId: 'default', channelId: '21', pending: expect.any(Number) }] });

    // The fix, then the retry: held in the wait list (queue paused) to see it there, then run.
    await createSandboxOrder(stack, '999');
    await stack.queues.cancel.pause();
    const retry = await opsProcess(env, ['failed', 'retry', id999, '--json']);
    expect(retry.code).toBe(0);
    expect(retry.json()).toEqual({ retried: [expect.objectContaining({ id: id999, refnums: ['999'] })], failures: [] });
    expect(await stack.queues.cancel.getJobState(id999)).toBe('waiting');
    await stack.queues.cancel.resume();
    await eventually('the retried job to complete', async () => ((await stack.queues.cancel.getJobState(id999)) === 'completed' ? true : undefined));
    expect((await stack.sandbox.getOrder('999'))?.statusCode).toBe('ORDER_CANCELLED');

    const [retryAgain, discard] = await Promise.all([
      opsProcess(env, ['failed', 'retry', id999]),
      opsProcess(env, ['failed', 'discard', id998, '--json']),
    ]);
    expect(retryAgain.code).toBe(1);
    expect(retryAgain.stderr).toContain('is completed, not failed');
    expect(discard.code).toBe(0);
    expect(discard.json()).toEqual({ discarded: expect.objectContaining({ id: id998, refnums: ['998'] }) });
    expect(await stack.queues.cancel.getJob(id998)).toBeUndefined();
    const after = await opsProcess(env, ['failed', 'list']);
    expect([after.code, after.stdout.trim()]).toEqual([0, 'no failed jobs']);
  });

  it('events clear and inbox list', async () => {
    await stack.reset();
    const [id] = await poisonCancels(stack, [997]);
    const query = new URLSearchParams({ 'headers[client_id]': '497', 'headers[ticket]': SEED_EXAMPLE_TICKET, 'data[channel][id]': '22' });
    expect((await fetch(`${stack.ingressUrl}/orders?${query.toString()}`)).status).toBe(200);
    await eventually('the sync to fill the inbox', async () => ((await stack.redis.zcard(`${stack.config.queuePrefix}:inbox:default:pending`)) > 0 ? true : undefined));
    await settled(stack);

    const [clear, inbox] = await Promise.all([
      opsProcess(env, ['events', 'clear', '--client', 'default', '--channel', '21', '--id', `job-${id}`]),
      opsProcess(env, ['inbox', 'list', '--json']),
    ]);
    expect([clear.code, clear.stdout.trim()]).toEqual([0, 'removed 1 pending event for client default channel 21']);
    expect(inbox.code).toBe(0);
    const [binding] = inbox.json<{ bindings: InboxBindingReport[] }>().bindings;
    expect(binding?.binding).toBe('default');
    expect(binding?.orders.map((order) => order.refnum)).toContain('496');
    const listed = await opsProcess(env, ['events', 'list', '--client', 'default', '--channel', '21', '--json']);
    expect(listed.json()).toEqual({ clientId: 'default', channelId: '21', pending: 0, events: [] });
  });
});
