import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { WebhookArchive, type AcceptedEntry, type StoredEntry } from '../../shared/archive/webhook-archive.js';
import { webhookArchiveKey } from '../../shared/keys.js';
import type { ArchiveEraseReport } from '../../scripts/ops/archive-erase.js';
import type { OrderReport } from '../../scripts/ops/order.js';
import { postJson, v1Request } from '../harness/http.js';
import { eventually, SEED_EXAMPLE_TICKET, settled, startStack, TEST_TOKEN, type Stack } from '../harness/stack.js';
import { ops, sendCancel } from './helpers.js';

/** The webhook archive (shared/archive/webhook-archive.ts) and the commands that read it: `order`, `archive erase`. */
let stack: Stack;

beforeAll(async () => {
  stack = await startStack({ env: { JOB_ATTEMPTS: '3' } });
});
afterAll(async () => stack?.close());
beforeEach(async () => {
  await stack.sandbox.clearFaults();
  await stack.reset();
  await stack.redis.del(webhookArchiveKey(stack.config.queuePrefix));
});

function archive(now?: () => number, retentionDays = 90): WebhookArchive {
  return new WebhookArchive(stack.redis, { prefix: stack.config.queuePrefix, enabled: true, retentionDays, ...(now ? { now } : {}) });
}

async function entries(count: number): Promise<StoredEntry[]> {
  return eventually(`${count} archive entries`, async () => {
    const { entries: found } = await archive().scan();
    return found.length >= count ? found : undefined;
  });
}

describe('webhook archive', () => {
  it('keeps one entry per accepted webhook: who, the job, the order, the payload, and no credentials', async () => {
    // A seed body with its ticket in headers.ticket, and a v1 body with integration_auth_token.
    const seed = await postJson(stack.ingressUrl, '/order_cancel', { headers: { ticket: SEED_EXAMPLE_TICKET }, data: { order: { channel_refnum: 496 }, channel: { id: 21 } } });
    expect(seed.status).toBe(200);
    const v1 = await postJson(stack.ingressUrl, '/order_cancel_v1', v1Request('order_cancel', { order: { channel_refnum: '497' } }));
    const stored = await entries(v1.status === 200 ? 2 : 1);

    const [first] = stored;
    expect(first?.entry).toMatchObject({
      route: '/order_cancel',
      status: 200,
      client: expect.any(String),
      channel: '21',
      binding: expect.any(String),
      refnums: ['496'],
      jobIds: [expect.stringMatching(/^cancel-/)],
      requestId: expect.any(String),
      receivedAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
      payload: expect.objectContaining({ refnum: '496' }),
    });
    const raw = JSON.stringify(await stack.redis.xrange(webhookArchiveKey(stack.config.queuePrefix), '-', '+'));
    expect(raw).not.toContain(SEED_EXAMPLE_TICKET);
    expect(raw).not.toContain(TEST_TOKEN);
    expect(raw).not.toMatch(/"(ticket|integration_auth_token|headers)"/);
    await settled(stack);
  });

  it('keeps only the status and code of a rejected call', async () => {
    const unauthenticated = await postJson(stack.ingressUrl, '/order_cancel', { data: { order: { channel_refnum: 496 } } }, { bearer: 'not-a-token' });
    expect(unauthenticated.status).toBe(401);
    const invalid = await postJson(stack.ingressUrl, '/order_cancel', { data: { order: { customer_email: 'someone@example.com' } } }, { bearer: TEST_TOKEN });
    expect(invalid.status).toBe(400);
    const stored = await entries(2);
    for (const { entry } of stored) {
      expect(Object.keys(entry).sort()).toEqual(['code', 'receivedAt', 'requestId', 'route', 'status']);
      expect(entry.route).toBe('/order_cancel');
      expect(typeof (entry as { code: unknown }).code).toBe('string');
    }
    expect(stored.map(({ entry }) => entry.status).sort()).toEqual([400, 401]);
    expect(JSON.stringify(stored)).not.toContain('someone@example.com');
  });

  it('trims entries older than the retention', async () => {
    const now = Date.now();
    const today = archive(() => now, 1);
    await today.append({ requestId: 'r1', receivedAt: new Date(now).toISOString(), route: '/order_cancel', status: 401, code: 'ROB_UNAUTHORIZED' });
    expect((await today.scan()).entries).toHaveLength(1);
    // Two days later the entry is past its one day: readers skip it and the trim removes it.
    const later = archive(() => now + 2 * 24 * 3600 * 1000, 1);
    expect((await later.scan()).entries).toHaveLength(0);
    expect(await later.trim()).toBe(1);
    expect(await stack.redis.xlen(later.key)).toBe(0);
    // Retention 0 keeps everything.
    await today.append({ requestId: 'r2', receivedAt: new Date(now).toISOString(), route: '/order_cancel', status: 401, code: 'ROB_UNAUTHORIZED' });
    expect(await archive(() => now + 1000 * 24 * 3600 * 1000, 0).trim()).toBe(0);
  });

  it('archive erase --order removes the entries naming that order, and only those', async () => {
    await sendCancel(stack, 496);
    await sendCancel(stack, 496);
    await sendCancel(stack, 498);
    await entries(3);
    await settled(stack);

    const run = await ops(stack, ['archive', 'erase', '--order', '496', '--json']);
    expect(run.code).toBe(0);
    expect(run.json<ArchiveEraseReport>().erased).toHaveLength(2);
    const left = (await archive().scan()).entries;
    expect(left.map(({ entry }) => (entry as AcceptedEntry).refnums)).toEqual([['498']]);

    const none = await ops(stack, ['archive', 'erase', '--order', '498', '--binding', 'no-such-binding', '--actor', 'ann']);
    expect(none.stdout).toContain('erased 0 archived webhooks');
    const audit = await ops(stack, ['audit', '--json']);
    expect(JSON.stringify(audit.json())).toContain('archive erase');
    expect(await ops(stack, ['archive', 'erase'])).toMatchObject({ code: 2 });
  });
});

describe('order', () => {
  it('tells what happened to an order whose cancel failed once and then succeeded', async () => {
    await stack.sandbox.setFaults({ failNext: 1, status: 503, retryAfterSeconds: null });
    await sendCancel(stack, 496);
    await settled(stack);
    await entries(1);

    const run = await ops(stack, ['order', '496', '--json']);
    expect(run.code).toBe(0);
    const report = run.json<OrderReport>();
    expect(report.webhooks).toHaveLength(1);
    expect(report.jobs).toHaveLength(1);
    const [job] = report.jobs;
    expect(job).toMatchObject({ queue: 'cancel', kind: 'cancel', state: 'completed', attempts: 2, failedReason: expect.stringContaining('503') });
    expect(job?.attemptErrors).toHaveLength(1);
    expect(job?.fabricCalls).toBeGreaterThan(0);
    expect(report.webhooks[0]?.entry.jobIds).toEqual([job?.id]);
    const whats = report.timeline.map((item) => item.what);
    expect(whats[0]).toBe('webhook');
    expect(whats).toEqual(expect.arrayContaining(['job queued', 'attempt failed', 'job completed']));
    expect(whats.indexOf('job completed')).toBeGreaterThan(whats.indexOf('job queued'));
    expect(report.scanned.jobsCapped).toBe(false);

    const human = await ops(stack, ['order', '496']);
    expect(human.code).toBe(0);
    expect(human.stdout).toMatch(/^at\s+what\s+detail/);
    // Demo order 496 has a shipped line: the cancel leaves ORDER_PARTIALLY_CANCELLED pending for RetailOPS.
    expect(report.pendingEvents.map((event) => event.code)).toEqual(['ORDER_PARTIALLY_CANCELLED']);
    expect(human.stdout).toContain('1 webhook, 1 job, 1 pending event');

    const other = await ops(stack, ['order', '496', '--binding', 'no-such-binding', '--json']);
    expect(other.json<OrderReport>()).toMatchObject({ webhooks: [], jobs: [] });
    expect(await ops(stack, ['order'])).toMatchObject({ code: 2 });
  });

  it('says when the job scan was capped', async () => {
    await sendCancel(stack, 496);
    await sendCancel(stack, 498);
    await settled(stack);
    const run = await ops(stack, ['order', '498', '--limit', '1', '--json']);
    expect(run.json<OrderReport>().scanned.jobsCapped).toBe(true);
  });
});
