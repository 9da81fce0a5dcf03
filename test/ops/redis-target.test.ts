import { Queue } from 'bullmq';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { QUEUE_NAMES, type QueueName } from '../../shared/jobs/contract.js';
import type { QueueReport } from '../../scripts/ops/queues.js';
import { startStack, type Stack } from '../harness/stack.js';
import { ops, opsProcess, sendCancel } from './helpers.js';

/**
 * Which Redis the CLI reads: REDIS_URL, else the one `npm start` runs (127.0.0.1, REDIS_PORT); and the warning when
 * that Redis holds nothing of the bridge, whose all-zero tables would otherwise pass for an idle bridge.
 */
let stack: Stack;
let port: string;

beforeAll(async () => {
  stack = await startStack({ workers: false });
  port = new URL(inject('redisUrl')).port;
});
afterAll(async () => stack?.close());

describe('the Redis the CLI reads', { timeout: 60_000 }, () => {
  it('without REDIS_URL: npm start\'s Redis on REDIS_PORT, and says so on stderr', async () => {
    await sendCancel(stack, 496);
    const run = await opsProcess({ REDIS_PORT: port, QUEUE_PREFIX: stack.config.queuePrefix }, ['queues', '--json']);
    expect(run.code).toBe(0);
    expect(run.stderr).toContain(`using Redis redis://127.0.0.1:${port} (REDIS_URL is unset: the Redis npm start runs, REDIS_PORT), prefix ${stack.config.queuePrefix}`);
    expect(run.stderr).not.toContain('warning');
    const cancel = run.json<{ queues: QueueReport[] }>().queues.find((report) => report.queue === 'cancel');
    expect(cancel?.counts.waiting).toBe(1);
  });

  it('without REDIS_URL and nothing on REDIS_PORT: a failure that says to set REDIS_URL', async () => {
    const run = await opsProcess({ REDIS_PORT: '1' }, ['queues']);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('using Redis redis://127.0.0.1:1 (REDIS_URL is unset');
    expect(run.stderr).toContain('error: cannot reach Redis at redis://127.0.0.1:1');
    expect(run.stderr).toContain('REDIS_URL is unset and npm start does not seem to run: set REDIS_URL');
  });

  it('REDIS_CLUSTER=true cannot be guessed: exit 2 without REDIS_URL', async () => {
    const run = await opsProcess({ REDIS_CLUSTER: 'true' }, ['queues']);
    expect([run.code, run.stdout]).toEqual([2, '']);
    expect(run.stderr).toContain('REDIS_CLUSTER=true needs REDIS_URL');
  });

  it('a Redis without the bridge\'s data under the prefix: the zeros, and a warning naming the Redis', async () => {
    const run = await opsProcess({ REDIS_URL: inject('redisUrl'), QUEUE_PREFIX: '{no-bridge-here}' }, ['queues']);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^queue\s+waiting/);
    expect(run.stderr.trim()).toBe(
      `warning: no retailops-bridge data found at redis://127.0.0.1:${port} under prefix {no-bridge-here}: is this the right Redis? ` +
        '(npm start uses redis://127.0.0.1:6380; the services use their REDIS_URL and QUEUE_PREFIX)',
    );
    // The CLI itself leaves no trace there, so the warning stays true until a service runs.
    expect(await stack.redis.keys('{no-bridge-here}*')).toEqual([]);
  });

  it('with the services\' REDIS_URL and prefix: no warning', async () => {
    const run = await opsProcess({ REDIS_URL: inject('redisUrl'), QUEUE_PREFIX: stack.config.queuePrefix }, ['events', 'list']);
    expect([run.code, run.stderr]).toEqual([0, '']);
  });

  it('in-process, on queues of a prefix no service opened: the same warning', async () => {
    const prefix = '{never-opened}';
    const queues = Object.fromEntries(
      QUEUE_NAMES.map((name) => [name, new Queue(name, { connection: stack.redis, prefix, skipMetasUpdate: true })]),
    ) as Record<QueueName, Queue>;
    try {
      const run = await ops(stack, ['queues'], { queues, prefix });
      expect(run.code).toBe(0);
      expect(run.stderr).toContain(`warning: no retailops-bridge data found at this Redis under prefix ${prefix}`);
      expect((await ops(stack, ['queues'])).stderr).toBe('');
    } finally {
      await Promise.all(Object.values(queues).map((queue) => queue.close()));
    }
  });
});
