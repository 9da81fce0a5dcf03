import type { Job, Queue } from 'bullmq';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMetrics } from '../../shared/metrics.js';
import { collectQueueMetrics } from '../../shared/metrics-collect.js';
import { postJson } from '../harness/http.js';
import { eventually, settled, startStack, TEST_TOKEN, type Stack } from '../harness/stack.js';

/**
 * The backlog alert during a fabric outage: jobs backing off in delayed, and jobs parked behind them in their order's
 * lane, age rob_queue_oldest_waiting_job_age_seconds from when they were enqueued, though nothing is in the wait list.
 */
let stack: Stack;

beforeAll(async () => {
  // A failed attempt waits 30 to 60 s (equal jitter on 60 s): long enough to look at, and the circuit stays closed.
  stack = await startStack({ env: { JOB_BACKOFF_MS: '60000', JOB_BACKOFF_MAX_MS: '60000', FABRIC_BREAKER_THRESHOLD: '100' } });
});
afterAll(async () => stack?.close());

async function backlogAges(now = Date.now()): Promise<Record<string, number>> {
  const metrics = createMetrics();
  await collectQueueMetrics(metrics, stack.redis, Object.values(stack.queues), now);
  const { values } = await metrics.backlogAge.get();
  return Object.fromEntries(values.map((sample) => [String(sample.labels['queue']), sample.value]));
}

async function jobFor(queue: Queue, refnum: string): Promise<Job | undefined> {
  const jobs = await queue.getJobs(['waiting', 'active', 'delayed', 'prioritized', 'completed', 'failed']);
  return jobs.find((job) => (job.data as { payload: { refnum?: string } }).payload.refnum === refnum);
}

describe('the backlog age during a fabric outage', () => {
  it('counts a job backing off in delayed, and the next action of its order parked in its lane', async () => {
    await stack.sandbox.setFaults({ errorRate: 1, status: 503 });
    const cancel = await postJson(stack.ingressUrl, '/order_cancel', { data: { channel: { id: 21 }, order: { channel_refnum: 496 } } }, { bearer: TEST_TOKEN });
    expect(cancel.status).toBe(200);
    const retrying = await eventually('the cancel to back off after a failed attempt', async () => {
      const job = await jobFor(stack.queues.cancel, '496');
      return job && job.attemptsMade >= 1 && (await job.getState()) === 'delayed' ? job : undefined;
    });
    const update = await postJson(
      stack.ingressUrl,
      '/order_update',
      { version: 1, action: 'order_update', data: { channel: { id: 21 }, order: { channel_refnum: 496 }, line_items: [{ sku: 'SKU-A', quantity: 1, removed: 0 }] } },
      { bearer: TEST_TOKEN },
    );
    expect(update.status).toBe(200);
    const parked = await eventually('the update to wait for the cancel in its lane', async () => {
      const job = await jobFor(stack.queues.update, '496');
      return job && (await job.getState()) === 'delayed' ? job : undefined;
    });
    // Parking spends no attempt: the update never reached fabric.
    expect(parked.attemptsMade).toBe(0);

    // Nothing waits in the wait lists, the old measure's only source.
    expect(await stack.queues.cancel.getWaitingCount()).toBe(0);
    const scraped = await (await fetch(`${stack.ingressUrl}/metrics`)).text();
    expect(scraped).toMatch(/rob_jobs\{queue="cancel",state="delayed"\} 1/);
    const cancelAge = Number(/rob_queue_oldest_waiting_job_age_seconds\{queue="cancel"\} (\S+)/.exec(scraped)?.[1]);
    expect(cancelAge).toBeGreaterThan(0);
    expect(cancelAge).toBeLessThanOrEqual((Date.now() - retrying.timestamp) / 1000);

    // Seen ten minutes into the outage, both queues are past the documented alert (> 300), counted from enqueue,
    // not from when the backoff or the lane's wait ends. The parked job cycles through active: look until it is not.
    const later = await eventually('the parked update to be counted', async () => {
      const ages = await backlogAges(Date.now() + 600_000);
      return (ages['update'] ?? 0) > 0 ? ages : undefined;
    });
    expect(later['cancel']).toBeGreaterThanOrEqual(600);
    expect(later['update']).toBeGreaterThanOrEqual(600);

    // fabric is back: the cancel runs now, then the update (refused: the order is cancelled); nothing is owed.
    await stack.sandbox.clearFaults();
    await retrying.promote();
    await settled(stack, 20_000);
    expect(await (await jobFor(stack.queues.cancel, '496'))?.getState()).toBe('completed');
    const after = await backlogAges();
    expect(after['cancel']).toBe(0);
    expect(after['update']).toBe(0);
  });
});
