import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { loadConfig } from '../../shared/config.js';
import { JobQueues } from '../../shared/jobs/producer.js';
import { laneKey } from '../../shared/keys.js';
import type { JobMeta } from '../../shared/jobs/contract.js';

/**
 * JobQueues.add on a real Redis: the add script, the dedup read and the order lane leave in one write on the
 * auto-pipelined connection (one round trip), in that order, so that Redis stores the job before its lane names it.
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

/** What the connection writes to Redis while `work` runs, one entry per socket write. */
async function writesDuring(work: () => Promise<unknown>): Promise<string[]> {
  const stream = (connection as unknown as { stream: { write: (chunk: Buffer | string, ...rest: unknown[]) => boolean } }).stream;
  const write = stream.write.bind(stream);
  const writes: string[] = [];
  stream.write = (chunk, ...rest) => {
    writes.push(chunk.toString());
    return write(chunk, ...rest);
  };
  try {
    await work();
  } finally {
    stream.write = write;
  }
  return writes;
}

describe('JobQueues.add', () => {
  it('sends the add, then the dedup read, then the lane, in one write', async () => {
    const writes = await writesDuring(async () => {
      expect(await queues.add('cancel', meta, { refnum: 'RT1', retailopsOrderId: null })).toMatchObject({ queue: 'cancel', deduplicated: false });
    });
    expect(writes).toHaveLength(1);
    // Redis runs one connection's commands in the order written: the job is stored before its lane names it.
    const commands = [...(writes[0] ?? '').matchAll(/\r\n\$\d+\r\n(evalsha|hget|rpush)\r\n/gi)].map((match) => match[1]?.toLowerCase());
    expect(commands).toEqual(['evalsha', 'hget', 'rpush']);
  });

  it('tells a redelivery apart by the stored creation time', async () => {
    const first = await queues.add('cancel', meta, { refnum: 'RT2', retailopsOrderId: null });
    const again = await queues.add('cancel', { ...meta, requestId: 'req-2' }, { refnum: 'RT2', retailopsOrderId: null });
    expect(first.deduplicated).toBe(false);
    expect(again).toEqual({ queue: 'cancel', jobId: first.jobId, deduplicated: true });
    expect(await connection.lrange(laneKey(prefix, 'default', 'RT2'), 0, -1)).toEqual([`cancel/${first.jobId}`, `cancel/${first.jobId}`]);
  });
});
