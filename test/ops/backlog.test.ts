import { Worker } from 'bullmq';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { QueueReport } from '../../scripts/ops/queues.js';
import { createMetrics } from '../../shared/metrics.js';
import { BACKLOG_SCAN_PER_END, collectQueueMetrics } from '../../shared/metrics-collect.js';
import { startStack, type Stack } from '../harness/stack.js';
import { ops, sendCancel } from './helpers.js';

/** With no workers running, jobs pile up: what an operator sees of a backlog. */
let stack: Stack;

beforeAll(async () => {
  stack = await startStack({ workers: false });
});
afterAll(async () => stack?.close());
beforeEach(async () => {
  await stack.queues.cancel.resume();
  await stack.reset();
});

async function cancelReport(later = 0): Promise<QueueReport> {
  const run = await ops(stack, ['queues', '--json'], { now: () => Date.now() + later });
  expect(run.code).toBe(0);
  const report = run.json<{ queues: QueueReport[] }>().queues.find((entry) => entry.queue === 'cancel');
  if (!report) throw new Error('no cancel queue in the report');
  return report;
}

describe('queues with a backlog', () => {
  it('counts waiting jobs and ages the backlog from the oldest one', async () => {
    expect(await cancelReport()).toMatchObject({ counts: { waiting: 0 }, backlogAgeSeconds: 0, oldestBacklogJobId: null });
    for (const refnum of [496, 497, 498]) {
      await sendCancel(stack, refnum);
      await new Promise((resolve) => setTimeout(resolve, 5)); // distinct enqueue times
    }
    const oldest = (await stack.queues.cancel.getWaiting()).find((job) => (job.data as { payload: { refnum: string } }).payload.refnum === '496');

    const report = await cancelReport(90_000); // as seen 90 s later
    expect(report).toEqual({
      queue: 'cancel',
      counts: { waiting: 3, active: 0, delayed: 0, prioritized: 0, completed: 0, failed: 0, paused: 0 },
      isPaused: false,
      backlogAgeSeconds: expect.any(Number),
      oldestBacklogJobId: oldest?.id,
    });
    expect(report.backlogAgeSeconds).toBeGreaterThanOrEqual(90);
    expect(report.backlogAgeSeconds).toBeLessThan(100);
    expect((await cancelReport()).backlogAgeSeconds).toBeLessThan(10);

    const human = await ops(stack, ['queues', '--queue', 'cancel'], { now: () => Date.now() + 90_000 });
    expect(human.stdout).toMatch(/\ncancel\s+3\s+0\s+0\s+0\s+0\s+0\s+0\s+9\d$/);
  });

  it('counts the jobs of a paused queue as paused', async () => {
    await sendCancel(stack, 496);
    await stack.queues.cancel.pause();
    expect(await cancelReport()).toMatchObject({ isPaused: true, counts: { waiting: 0, paused: 1 } });
    expect((await ops(stack, ['queues'])).stdout).toMatch(/\ncancel \(paused\)\s+0\s+0\s+0\s+0\s+0\s+0\s+1\s+\d+\n/);
  });

  it('retry and discard leave a job that is not failed alone', async () => {
    await sendCancel(stack, 496);
    const [job] = await stack.queues.cancel.getWaiting();
    const id = job?.id ?? '';

    const retry = await ops(stack, ['failed', 'retry', id, '--json']);
    expect(retry.code).toBe(1);
    expect(retry.json()).toEqual({ error: `job ${id} in queue cancel is waiting, not failed: nothing to retry`, id, queue: 'cancel', state: 'waiting' });
    const discard = await ops(stack, ['failed', 'discard', id]);
    expect(discard.code).toBe(1);
    expect(discard.stderr).toBe(`error: job ${id} in queue cancel is waiting, not failed: not discarded`);
    expect(await stack.queues.cancel.getJobState(id)).toBe('waiting');

    const wrongQueue = await ops(stack, ['failed', 'discard', id, '--queue', 'update']);
    expect(wrongQueue.code).toBe(1);
    expect(wrongQueue.stderr).toContain(`no job ${id} in queue update`);
    expect((await ops(stack, ['failed', 'list'])).stdout).toBe('no failed jobs');
  });
});

/** rob_queue_oldest_waiting_job_age_seconds{queue="cancel"} as a scrape at `now` would set it. */
async function backlogMetric(now = Date.now()): Promise<number> {
  const metrics = createMetrics();
  await collectQueueMetrics(metrics, stack.redis, [stack.queues.cancel], now);
  return (await metrics.backlogAge.get()).values.find((sample) => sample.labels['queue'] === 'cancel')?.value ?? Number.NaN;
}

describe('the backlog age metric', () => {
  it('ages waiting jobs from the oldest one, as the CLI does', async () => {
    expect(await backlogMetric()).toBe(0);
    for (const refnum of [496, 497, 498]) await sendCancel(stack, refnum);
    const age = await backlogMetric(Date.now() + 90_000);
    expect(age).toBeGreaterThanOrEqual(90);
    expect(age).toBeLessThan(100);
  });

  it('counts a job a worker put back in delayed from when it was enqueued, not from when it may run again', async () => {
    await sendCancel(stack, 496);
    // What a worker does with a job whose order lane is busy, or whose fabric circuit is open (workers/process-job.ts).
    const worker = new Worker('cancel', null, { connection: new Redis(stack.env['REDIS_URL'] ?? '', { maxRetriesPerRequest: null }), prefix: stack.config.queuePrefix, autorun: false });
    try {
      const job = await worker.getNextJob('test-token');
      if (!job) throw new Error('no job to take');
      await job.moveToDelayed(Date.now() + 3_600_000, 'test-token');
      expect(await stack.queues.cancel.getWaitingCount()).toBe(0);
      const age = await backlogMetric(Date.now() + 90_000);
      expect(age).toBeGreaterThanOrEqual(90);
      expect(age).toBeLessThan(100);
      // The CLI reads the same: a fabric outage (jobs backing off in delayed) is a growing backlog there too.
      const report = await cancelReport(90_000);
      expect(report).toMatchObject({ counts: { waiting: 0, delayed: 1 }, oldestBacklogJobId: job.id });
      expect(report.backlogAgeSeconds).toBeGreaterThanOrEqual(90);
    } finally {
      await worker.close();
    }
  });

  it('does not count a job scheduled for later before it is due', async () => {
    const before = Date.now();
    await stack.queues.cancel.add('later', { note: 'scheduled' }, { delay: 60_000 });
    expect(await backlogMetric()).toBe(0);
    // Seen 90 s after it was added, it has been due for (at most) 30 s.
    const overdue = await backlogMetric(before + 90_000);
    expect(overdue).toBeGreaterThan(25);
    expect(overdue).toBeLessThanOrEqual(30);
  });

  it('finds the oldest job at either end of a list longer than it reads', async () => {
    // More jobs than the scan reads at both ends; the hour-old one first (the workers' end), then last (the other).
    const fillers = Array.from({ length: 2 * BACKLOG_SCAN_PER_END + 10 }, (_, index) => ({ name: `filler ${index}`, data: { index } }));
    const hourOld = () => stack.queues.cancel.add('hour old', { note: 'old' }, { timestamp: Date.now() - 3_600_000 });
    await hourOld();
    await stack.queues.cancel.addBulk(fillers);
    expect(await backlogMetric()).toBeGreaterThanOrEqual(3600);
    await stack.queues.cancel.drain();
    await stack.queues.cancel.addBulk(fillers);
    await hourOld();
    expect(await backlogMetric()).toBeGreaterThanOrEqual(3600);
  });
});

describe('usage errors', () => {
  it.each([
    [[], 'no command given'],
    [['nope'], 'unknown command "nope"'],
    [['failed'], '"failed" needs a subcommand'],
    [['failed', 'nope'], 'unknown command "failed nope"'],
    [['queues', '--queue', 'orders'], 'unknown queue "orders"'],
    [['queues', 'extra'], 'unexpected argument "extra"'],
    [['failed', 'list', '--limit', '0'], '--limit must be a whole number'],
    [['failed', 'list', '--bogus'], "Unknown option '--bogus'"],
    [['failed', 'retry'], 'give the id of the failed job to retry, or --all'],
    [['failed', 'retry', 'x', '--all'], 'not both'],
    [['failed', 'retry', 'x', 'y'], 'one job id at a time'],
    [['failed', 'discard'], 'give the id of the failed job to discard'],
    [['events', 'list', '--client', 'default'], 'give both --client and --channel'],
    [['events', 'clear'], 'give both --client and --channel'],
  ])('%j exits 2 without touching Redis', async (argv, message) => {
    const run = await ops(stack, argv as string[]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(message);
    expect(run.stderr).toContain('Usage: npm run ops --');
    expect(run.stdout).toBe('');
  });

  it('--help, globally, per group and per command, exits 0', async () => {
    const global = await ops(stack, ['--help']);
    expect(global.code).toBe(0);
    for (const name of ['queues', 'failed list', 'failed retry', 'failed discard', 'events list', 'events clear', 'inbox list']) {
      expect(global.stdout).toContain(`  ${name} `);
      const own = await ops(stack, [...name.split(' '), '--help']);
      expect(own.code).toBe(0);
      expect(own.stdout).toContain(`Usage: npm run ops -- ${name}`);
      expect(own.stdout).toContain('Example');
    }
    expect((await ops(stack, ['failed', '-h'])).stdout).toContain('failed <list|retry|discard>');
  });
});
