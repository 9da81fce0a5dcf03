import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { loadConfig } from '../../shared/config.js';
import { JobQueues } from '../../shared/jobs/producer.js';
import type { JobMeta } from '../../shared/jobs/contract.js';

/**
 * JobQueues.add on a real Redis: the add script, the dedup read and the order lane leave in one write on the
 * auto-pipelined connection (one round trip), and Redis runs them in that order, so a lane never names a job that
 * is not stored yet.
 */
let connection: Redis;
let queues: JobQueues;
let prefix: string;

const meta: JobMeta = { clientId: '497', channelId: '21', bindingKey: 'default', requestId: 'req-1', receivedAt: new Date().toISOString(), sourceAction: null };

beforeAll(async () => {
  prefix = `{rt${randomBytes(4).toString('hex')}}`;
  connection = new Redis(inject('redisUrl'), { enableAutoPipelining: true, maxRetriesPerRequest: 1 });
  queues = new JobQueues(connection, loadConfig({ REDIS_URL: inject('redisUrl'), QUEUE_PREFIX: prefix }), pino({ level: 'silent' }));
  // The first add loads BullMQ's script (a NOSCRIPT answer, then EVAL): not what is measured.
  await queues.add('cancel', meta, { refnum: 'warm-up', retailopsOrderId: null });
});
afterAll(async () => {
  await queues.close();
  connection.disconnect();
});

describe('JobQueues.add', () => {
  it('sends the add, the dedup read and the lane in one write', async () => {
    const stream = (connection as unknown as { stream: { write: (chunk: Buffer | string, ...rest: unknown[]) => boolean } }).stream;
    const write = stream.write.bind(stream);
    let writes = 0;
    stream.write = (chunk, ...rest) => {
      writes += 1;
      return write(chunk, ...rest);
    };
    try {
      const added = await queues.add('cancel', meta, { refnum: 'RT1', retailopsOrderId: null });
      expect(added).toMatchObject({ queue: 'cancel', deduplicated: false });
    } finally {
      stream.write = write;
    }
    expect(writes).toBe(1);
  });

  it('has Redis store the job before its lane names it, and tells a redelivery apart', async () => {
    const monitor = await new Redis(inject('redisUrl')).monitor();
    const commands: string[] = [];
    // What this client sent (not the commands the script runs inside Redis, whose source is "lua"), on this test's keys.
    monitor.on('monitor', (_time: string, args: string[], source: string) => {
      const [name] = args;
      if (source !== 'lua' && name !== undefined && args.some((arg) => arg.startsWith(prefix))) commands.push(name.toLowerCase());
    });
    try {
      const first = await queues.add('cancel', meta, { refnum: 'RT2', retailopsOrderId: null });
      const again = await queues.add('cancel', { ...meta, requestId: 'req-2' }, { refnum: 'RT2', retailopsOrderId: null });
      expect(first.deduplicated).toBe(false);
      expect(again).toEqual({ queue: 'cancel', jobId: first.jobId, deduplicated: true });
      await expect.poll(() => commands.length).toBeGreaterThanOrEqual(6);
    } finally {
      monitor.disconnect();
    }
    // The script (by its SHA), then the stored creation time, then the lane: for each add.
    expect(commands.slice(0, 6)).toEqual(['evalsha', 'hget', 'rpush', 'evalsha', 'hget', 'rpush']);
  });
});
