import { hostname, userInfo } from 'node:os';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { AuditEntry, AuditList } from '../../shared/audit.js';
import { auditStreamKey } from '../../shared/keys.js';
import { settled, startStack, type Stack } from '../harness/stack.js';
import { failedCancelId, ops, poisonCancels, sendCancel } from './helpers.js';

/**
 * The audit stream: every operator mutation (CLI and Bull Board retry) leaves one operation with who, what, when
 * and the result, listed by `ops audit`; a mutation that cannot be audited is refused.
 */
const ADMIN_TOKEN = 'admin-token-0123456789';
let stack: Stack;
let key: string;

beforeAll(async () => {
  stack = await startStack({ env: { ADMIN_TOKEN, ADMIN_ALLOW_RETRIES: 'true' } });
  key = auditStreamKey(stack.config.queuePrefix);
});
afterAll(async () => stack?.close());
beforeEach(async () => {
  await Promise.all(Object.values(stack.queues).map((queue) => queue.resume()));
  await stack.reset();
  await stack.redis.del(key);
});

async function poison(refnum: string): Promise<string> {
  await sendCancel(stack, refnum);
  await settled(stack);
  return failedCancelId(stack, refnum);
}

async function audit(args: readonly string[] = []): Promise<AuditEntry[]> {
  const run = await ops(stack, ['audit', ...args, '--json']);
  expect(run.code).toBe(0);
  return run.json<AuditList>().entries;
}

describe('mutating commands', () => {
  it('each leaves one entry with actor, command, args, time and result', async () => {
    const [retryId, discardId] = await poisonCancels(stack, ['991', '992']);
    await stack.queues.cancel.pause(); // the retried job stays waiting

    expect((await ops(stack, ['failed', 'retry', retryId ?? '', '--actor', 'alice'])).code).toBe(0);
    expect((await ops(stack, ['failed', 'discard', discardId ?? ''])).code).toBe(0);
    expect((await ops(stack, ['events', 'clear', '--client', 'default', '--channel', '21', '--actor', 'bob'])).code).toBe(0);
    expect((await ops(stack, ['sync', 'skipped', '--binding', 'default', '--clear', 'all', '--actor', 'carol'])).code).toBe(0);
    expect((await ops(stack, ['sync', 'skipped'])).code).toBe(0); // listing changes nothing: not audited

    const entries = await audit();
    const me = `${userInfo().username}@${hostname()}`;
    expect(entries.map((entry) => [entry.command, entry.actor, entry.source, entry.result])).toEqual([
      ['sync skipped --clear', 'carol', 'cli', 'ok'],
      ['events clear', 'bob', 'cli', 'ok'],
      ['failed discard', me, 'cli', 'ok'],
      ['failed retry', 'alice', 'cli', 'ok'],
    ]);
    const [sync, events, discard, retry] = entries;
    expect(retry).toMatchObject({ args: { id: retryId, queue: null }, counts: { retried: 1, notRetried: 0 }, message: null });
    expect(discard).toMatchObject({ args: { id: discardId, queue: null }, counts: { discarded: 1 } });
    expect(events).toMatchObject({ args: { client: 'default', channel: '21', id: null }, counts: { removed: 2 } });
    expect(sync).toMatchObject({ args: { binding: 'default', clear: 'all' }, counts: { cleared: 0 } });
    for (const entry of entries) {
      expect(entry.at).toMatch(/^\d{4}-\d\d-\d\dT/);
      expect(Date.parse(entry.finishedAt ?? '')).toBeGreaterThanOrEqual(Date.parse(entry.at));
    }
    // Two stream entries per operation: the intent, then the result.
    expect(await stack.redis.xlen(key)).toBe(8);
  });

  it('a failed mutation records its error; a retry --all with failures records its counts', async () => {
    const missing = await ops(stack, ['failed', 'retry', 'cancel-nope', '--actor', 'alice']);
    expect(missing.code).toBe(1);
    const discard = await ops(stack, ['failed', 'discard', 'cancel-gone', '--queue', 'cancel']);
    expect(discard.code).toBe(1);

    const [discarded, retried] = await audit();
    expect(retried).toMatchObject({ command: 'failed retry', actor: 'alice', result: 'error', args: { id: 'cancel-nope' }, message: expect.stringContaining('no job cancel-nope in any queue') });
    expect(discarded).toMatchObject({ command: 'failed discard', result: 'error', args: { id: 'cancel-gone', queue: 'cancel' }, message: expect.stringContaining('no job cancel-gone in queue cancel') });
  });

  it('refuses the mutation when its audit entry cannot be written, and changes nothing', async () => {
    const id = await poison('993');
    await stack.redis.set(key, 'not a stream'); // XADD now fails (WRONGTYPE)

    const run = await ops(stack, ['failed', 'discard', id, '--json']);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('refused: the audit entry could not be written');
    expect(run.json()).toMatchObject({ error: expect.stringContaining('nothing was changed'), audit: 'unavailable' });
    expect(await stack.queues.cancel.getJobState(id)).toBe('failed');

    const retry = await ops(stack, ['failed', 'retry', '--all']);
    expect(retry.code).toBe(1);
    expect(await stack.queues.cancel.getJobState(id)).toBe('failed');
  });
});

describe('audit', () => {
  it('lists newest first, filters by actor and --since, cuts at --limit, and prints a table', async () => {
    for (const actor of ['alice', 'bob', 'alice@ops-laptop']) {
      await ops(stack, ['events', 'clear', '--client', 'default', '--channel', '21', '--actor', actor]);
    }
    expect((await audit()).map((entry) => entry.actor)).toEqual(['alice@ops-laptop', 'bob', 'alice']);
    expect((await audit(['--actor', 'ALICE'])).map((entry) => entry.actor)).toEqual(['alice@ops-laptop', 'alice']);
    expect((await audit(['--since', '1h'])).length).toBe(3);
    expect((await audit(['--since', new Date(Date.now() + 60_000).toISOString()])).length).toBe(0);

    const limited = await ops(stack, ['audit', '--limit', '1', '--json']);
    expect(limited.json<AuditList>()).toMatchObject({ entries: [{ actor: 'alice@ops-laptop' }], more: true });

    const human = await ops(stack, ['audit', '--limit', '2']);
    expect(human.code).toBe(0);
    expect(human.stdout.split('\n')[0]).toMatch(/^at\s+actor\s+source\s+command\s+args\s+result\s+counts\s+message$/);
    expect(human.stdout).toContain('events clear');
    expect(human.stdout).toContain('client=default channel=21');
    expect(human.stdout).toContain('removed=0');
    expect(human.stdout).toContain('showing the newest 2');

    expect((await ops(stack, ['audit', '--since', 'yesterday'])).code).toBe(2);
    await stack.redis.del(key);
    expect((await ops(stack, ['audit'])).stdout).toBe('no audit entries');
  });

  it('lists an intent without a result as incomplete', async () => {
    await stack.redis.xadd(key, '*', 'phase', 'intent', 'at', new Date().toISOString(), 'source', 'cli', 'actor', 'dave', 'command', 'failed retry', 'args', '{"all":true}');
    expect(await audit()).toMatchObject([{ actor: 'dave', result: 'incomplete', finishedAt: null, args: { all: true } }]);
  });

  it('trims entries older than AUDIT_RETENTION_DAYS when it appends', async () => {
    const day = 24 * 60 * 60 * 1000;
    const now = Date.now();
    await stack.redis.xadd(key, String(now - 40 * day), 'phase', 'intent', 'at', new Date(now - 40 * day).toISOString(), 'actor', 'old', 'command', 'failed retry', 'args', '{}');
    await stack.redis.xadd(key, String(now - 20 * day), 'phase', 'intent', 'at', new Date(now - 20 * day).toISOString(), 'actor', 'recent', 'command', 'failed retry', 'args', '{}');
    await ops(stack, ['events', 'clear', '--client', 'default', '--channel', '21', '--actor', 'eve'], { auditRetentionDays: 30 });
    expect((await audit()).map((entry) => entry.actor)).toEqual(['eve', 'recent']);
  });
});

describe('Bull Board', () => {
  const admin = (path: string, method = 'PUT'): Promise<Response> =>
    fetch(`${stack.ingressUrl}/admin/queues/api/queues/${path}`, { method, headers: { authorization: `Bearer ${ADMIN_TOKEN}` } });

  it('records a retry with the admin credential as actor, and refuses every other change', async () => {
    const id = await poison('994');
    await stack.queues.cancel.pause();
    expect((await admin(`cancel/${encodeURIComponent(id)}/retry`)).status).toBe(204);
    expect(await stack.queues.cancel.getJobState(id)).toBe('waiting');
    expect((await admin('cancel/retry/failed')).status).toBe(200); // nothing failed now: retried 0

    const entries = await audit();
    expect(entries).toMatchObject([
      { source: 'admin', actor: expect.stringMatching(/^admin-token@/), command: 'bull-board retry', args: { queue: 'cancel', all: true, status: 'failed' }, result: 'ok', counts: { retried: 0 } },
      { source: 'admin', actor: expect.stringMatching(/^admin-token@/), command: 'bull-board retry', args: { queue: 'cancel', id }, result: 'ok', counts: { retried: 1 } },
    ]);

    // Not a retry: refused (Bull Board would allow it, since the queues are not read-only), and so not audited.
    expect((await admin('cancel/clean/completed')).status).toBe(405);
    expect((await admin('cancel/pause')).status).toBe(405);
    expect(await stack.queues.cancel.getJobState(id)).toBe('waiting');
    expect((await admin('cancel/nope-id/retry')).status).toBe(404);
    expect((await audit())[0]).toMatchObject({ command: 'bull-board retry', args: { id: 'nope-id' }, result: 'error', message: expect.stringContaining('HTTP 404') });

    await stack.redis.set(key, 'not a stream');
    await stack.queues.cancel.resume();
    await settled(stack);
    expect(await stack.queues.cancel.getJobState(id)).toBe('failed');
    expect((await admin(`cancel/${encodeURIComponent(id)}/retry`)).status).toBe(503);
    expect(await stack.queues.cancel.getJobState(id)).toBe('failed');
  });
});
