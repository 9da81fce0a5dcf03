import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { sandboxFabricSettings } from '../../shared/config.js';
import { queueOf, syncJob } from '../../shared/jobs/contract.js';
import { startSandbox, type RunningSandbox } from '../../sandbox/server.js';
import { spawnService, waitForLine, type ServiceProcess } from '../harness/processes.js';

/**
 * SIGHUP reloads CHANNELS_FILE in real `npm run ingress` and `npm run worker` processes: a channel added is served and
 * gets its order sync, a channel removed is refused and loses its sync, a rotated-out token works until the end of the
 * window the file states and not after, and a file that is invalid changes nothing (and says so in the log). No log
 * line of either process ever carries a token.
 */
const TOKEN_21 = `t21-old-${randomBytes(8).toString('hex')}`;
const TOKEN_21_NEW = `t21-new-${randomBytes(8).toString('hex')}`;
const TOKEN_22 = `t22-${randomBytes(8).toString('hex')}`;
const TOKEN_23 = `t23-${randomBytes(8).toString('hex')}`;
const TOKENS = [TOKEN_21, TOKEN_21_NEW, TOKEN_22, TOKEN_23];
/** The rotated-out token's window after the reload: long enough for the checks within it on a busy machine. */
const OVERLAP_MS = 6000;

const dir = mkdtempSync(join(tmpdir(), 'rob-reload-'));
const channelsPath = join(dir, 'channels.json');
const prefix = `{c${randomBytes(4).toString('hex')}}`;

let sandbox: RunningSandbox;
let ingress: ServiceProcess;
let worker: ServiceProcess;
let ingressUrl: string;
let redis: Redis;
let orderQueue: Queue;

function entry(channelId: string, tokens: string[], previousTokens: { token: string; validUntil: string }[] = []) {
  return { clientId: '497', channelId, tokens, ...(previousTokens.length > 0 ? { previousTokens } : {}), fabric: sandboxFabricSettings(sandbox.url, '12') };
}

function writeChannels(content: unknown): void {
  writeFileSync(channelsPath, typeof content === 'string' ? content : JSON.stringify(content, null, 2));
}

/** GET /orders (order fetch) on `channelId` with `token`: the status says whether the ingress took the token. */
async function fetchStatus(token: string, channelId: string): Promise<number> {
  const response = await fetch(`${ingressUrl}/orders?version=1&headers[client_id]=497&data[channel][id]=${channelId}`, {
    headers: { authorization: `Bearer ${token}` },
  });
  await response.arrayBuffer();
  return response.status;
}

/** Retries `check` (assertions) until it passes, or throws its last failure after `timeoutMs`. */
async function until(check: () => unknown, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      await check();
      return;
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
}

function linesWith(service: ServiceProcess, message: string): Record<string, unknown>[] {
  return service.lines.filter((line) => line['msg'] === message);
}

/** Sends SIGHUP to both processes and waits until each has logged one more `message`. */
async function reloadBoth(message: 'channels reloaded' | 'channels reload refused'): Promise<Record<string, unknown>[]> {
  const before = [ingress, worker].map((service) => linesWith(service, message).length);
  for (const service of [ingress, worker]) service.kill('SIGHUP');
  await until(() => {
    expect(linesWith(ingress, message).length).toBe((before[0] ?? 0) + 1);
    expect(linesWith(worker, message).length).toBe((before[1] ?? 0) + 1);
  }, 15_000);
  return [ingress, worker].map((service) => linesWith(service, message).at(-1) ?? {});
}

async function syncSchedulers(): Promise<string[]> {
  return (await orderQueue.getJobSchedulers()).map((scheduler) => scheduler.key).sort();
}

beforeAll(async () => {
  sandbox = await startSandbox({ host: '127.0.0.1', port: 0 });
  writeChannels({ channels: [entry('21', [TOKEN_21]), entry('22', [TOKEN_22])] });
  const redisUrl = inject('redisUrl');
  const env = {
    PATH: process.env['PATH'] ?? '',
    REDIS_URL: redisUrl,
    QUEUE_PREFIX: prefix,
    HOST: '127.0.0.1',
    PORT: '0',
    CHANNELS_FILE: channelsPath,
    ORDER_SYNC_INTERVAL_MS: '1000',
    ORDER_SYNC_SINCE: '1970-01-01T00:00:00.000Z',
    FABRIC_RATE_LIMIT_PER_SECOND: '0',
    JOB_ATTEMPTS: '2',
    JOB_BACKOFF_MS: '50',
    JOB_BACKOFF_MAX_MS: '100',
    LOG_LEVEL: 'info',
  };
  ingress = spawnService('ingress/main.ts', env);
  worker = spawnService('workers/main.ts', env);
  await Promise.all([waitForLine(ingress, 'ingress listening', 45_000), waitForLine(worker, 'workers running', 45_000)]);
  ingressUrl = String(linesWith(ingress, 'ingress listening')[0]?.['url']);
  redis = new Redis(redisUrl, { maxRetriesPerRequest: null });
  orderQueue = new Queue(queueOf('order.sync'), { connection: redis, prefix });
}, 90_000);

afterAll(async () => {
  for (const service of [ingress, worker]) service?.kill('SIGTERM');
  await Promise.all([ingress?.exited, worker?.exited]);
  await orderQueue?.obliterate({ force: true }).catch(() => undefined);
  await orderQueue?.close();
  const keys = redis ? await redis.keys(`${prefix}*`) : [];
  if (keys.length > 0) await redis.del(...keys);
  redis?.disconnect();
  await sandbox?.close();
  rmSync(dir, { recursive: true, force: true });
}, 60_000);

describe('SIGHUP reloads CHANNELS_FILE in running processes', () => {
  it('serves the new set: added, removed, rotated with an overlap; then refuses an invalid file', async () => {
    expect(await fetchStatus(TOKEN_21, '21')).toBe(200);
    expect(await fetchStatus(TOKEN_22, '22')).toBe(200);
    expect(await fetchStatus(TOKEN_23, '23')).toBe(401);
    expect(await syncSchedulers()).toEqual(['sync-497/21', 'sync-497/22']);

    // Channel 22 removed, 23 added, 21's token rotated with the old one valid for OVERLAP_MS more.
    const overlapEnds = Date.now() + OVERLAP_MS;
    writeChannels({
      channels: [entry('21', [TOKEN_21_NEW], [{ token: TOKEN_21, validUntil: new Date(overlapEnds).toISOString() }]), entry('23', [TOKEN_23])],
    });
    const reloaded = await reloadBoth('channels reloaded');
    for (const line of reloaded) {
      expect(line).toMatchObject({ added: 1, removed: 1, tokensRotated: 1, bindings: 2, addedBindings: ['497/23'], removedBindings: ['497/22'] });
    }
    // A reload, not a stop.
    expect([ingress.child.exitCode, worker.child.exitCode]).toEqual([null, null]);

    expect(await fetchStatus(TOKEN_23, '23')).toBe(200);
    expect(await fetchStatus(TOKEN_22, '22')).toBe(401);
    expect(await fetchStatus(TOKEN_21_NEW, '21')).toBe(200);
    expect(await fetchStatus(TOKEN_21, '21')).toBe(200);
    expect(Date.now()).toBeLessThan(overlapEnds);

    // The new channel's order sync is scheduled and runs; the removed one's is gone.
    await until(async () => expect(await syncSchedulers()).toEqual(['sync-497/21', 'sync-497/23']), 10_000);
    await until(() => {
      const synced = worker.lines.filter((line) => line['msg'] === 'job done' && line['kind'] === 'order.sync' && line['requestId'] === 'schedule-497/23');
      expect(synced.length).toBeGreaterThan(0);
    }, 15_000);

    // A job of the removed channel still queued (as if sent just before the reload): retried, then left failed with
    // a reason that says why, and the worker goes on.
    const removed = syncJob({ clientId: '497', channelId: '22', bindingKey: '497/22', requestId: 'queued-before-reload', receivedAt: new Date().toISOString(), sourceAction: null });
    await orderQueue.add(removed.data.kind, removed.data, { jobId: 'sync-of-removed-channel', attempts: 2, backoff: { type: 'fixed', delay: 50 } });
    await until(async () => {
      const job = await orderQueue.getJob('sync-of-removed-channel');
      expect(await job?.getState()).toBe('failed');
      expect(job?.failedReason).toMatch(/no channel binding "497\/22" is configured \(removed from CHANNELS_FILE/);
    }, 15_000);
    expect(worker.child.exitCode).toBeNull();

    // After the window the old token is refused; the new one goes on.
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, overlapEnds - Date.now() + 100)));
    expect(await fetchStatus(TOKEN_21, '21')).toBe(401);
    expect(await fetchStatus(TOKEN_21_NEW, '21')).toBe(200);

    // An invalid file (a token too short, channel 22 back): refused, everything as it was.
    writeChannels({ channels: [entry('21', ['short']), entry('22', [TOKEN_22]), entry('23', [TOKEN_23])] });
    const refused = await reloadBoth('channels reload refused');
    for (const line of refused) {
      expect(line['errors']).toContainEqual('channels.0.tokens.0: tokens must be at least 16 characters');
      expect(line['level']).toBe(50);
    }
    expect(await fetchStatus(TOKEN_21_NEW, '21')).toBe(200);
    expect(await fetchStatus(TOKEN_23, '23')).toBe(200);
    expect(await fetchStatus(TOKEN_22, '22')).toBe(401);
    expect(await syncSchedulers()).toEqual(['sync-497/21', 'sync-497/23']);

    // Not valid JSON at all: refused the same way.
    writeChannels(`{"channels": [{"tokens": ["${TOKEN_22}" "oops"]}]}`);
    await reloadBoth('channels reload refused');
    expect(await fetchStatus(TOKEN_21_NEW, '21')).toBe(200);

    const logged = JSON.stringify([...ingress.lines, ...worker.lines]);
    for (const token of TOKENS) expect(logged).not.toContain(token);
  }, 120_000);

  it('reports inbox metrics by the bindings in force: a removed channel\'s series end', async () => {
    const scrape = async (): Promise<string> => {
      const response = await fetch(`${ingressUrl}/metrics`);
      const text = await response.text();
      expect(response.status).toBe(200);
      return text;
    };
    const before = await scrape();
    expect(before).toContain('rob_inbox_pending_orders{binding="497/21"}');
    expect(before).toContain('rob_inbox_pending_orders{binding="497/23"}');
    expect(before).not.toContain('binding="497/22"');

    writeChannels({ channels: [entry('21', [TOKEN_21_NEW])] });
    const reloads = linesWith(ingress, 'channels reloaded').length;
    ingress.kill('SIGHUP');
    await until(() => expect(linesWith(ingress, 'channels reloaded').length).toBe(reloads + 1), 15_000);
    const after = await scrape();
    expect(after).toContain('rob_inbox_pending_orders{binding="497/21"}');
    expect(after).not.toContain('binding="497/23"');
  }, 30_000);
});
