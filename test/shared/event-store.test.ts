import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import type { ChannelEvent } from '../../shared/events/event.js';
import { EventStore } from '../../shared/events/store.js';

/** The pending-event list on a real Redis: order, cap, idempotent add, page size, acknowledgement. */
let redis: Redis;
const lines: string[] = [];
const logger = pino({ level: 'info' }, { write: (line: string) => void lines.push(line) });

beforeAll(() => {
  redis = new Redis(inject('redisUrl'));
});
afterAll(async () => {
  await redis.quit();
});

function store(maxPending: number, perResponse = 100): EventStore {
  return new EventStore(redis, { prefix: `{e${randomBytes(4).toString('hex')}}`, maxPending, perResponse }, logger);
}

function event(id: string): ChannelEvent {
  return {
    id,
    severity: 'error',
    action: 'order_cancel',
    code: 'X',
    message: `event ${id}`,
    httpStatus: 412,
    requestUrl: null,
    associations: [{ type: 'order', id: '496' }],
    diagnostic: {},
    occurredAt: new Date().toISOString(),
  };
}

const scope = { clientId: '497', channelId: '21' };

describe('EventStore', () => {
  it('returns events oldest first, at most perResponse, until acknowledged', async () => {
    const events = store(1000);
    for (let index = 0; index < 150; index += 1) await events.add(scope, event(`e${index}`));
    const first = await events.peek(scope);
    expect(first).toHaveLength(100);
    expect(first[0]?.id).toBe('e0');
    expect(await events.peek(scope)).toHaveLength(100); // peeking removes nothing
    await events.acknowledge(scope, first.map((entry) => entry.id));
    const second = await events.peek(scope);
    expect(second.map((entry) => entry.id)).toEqual(Array.from({ length: 50 }, (_, index) => `e${index + 100}`));
    await events.acknowledge(scope, second.map((entry) => entry.id));
    expect(await events.peek(scope)).toEqual([]);
  });

  it('stores an event id once', async () => {
    const events = store(10);
    expect(await events.add(scope, event('job-1'))).toBe(true);
    expect(await events.add(scope, event('job-1'))).toBe(false);
    expect(await events.count(scope)).toBe(1);
  });

  it('keeps scopes apart', async () => {
    const events = store(10);
    await events.add(scope, event('a'));
    expect(await events.peek({ clientId: '497', channelId: '22' })).toEqual([]);
    expect(await events.peek({ clientId: '498', channelId: '21' })).toEqual([]);
  });

  it('drops the oldest beyond the cap and says so in the log', async () => {
    const events = store(3);
    for (const id of ['a', 'b', 'c', 'd', 'e']) await events.add(scope, event(id));
    expect((await events.peek(scope)).map((entry) => entry.id)).toEqual(['c', 'd', 'e']);
    const warnings = lines.map((line) => JSON.parse(line) as { msg: string; dropped?: number }).filter((line) => line.msg.includes('over the cap'));
    expect(warnings.map((line) => line.dropped)).toEqual([1, 1]);
  });
});
