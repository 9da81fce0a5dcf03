import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import {
  EVENT_KEY_SUFFIXES,
  INBOX_KEY_SUFFIXES,
  eventKeyPattern,
  eventKeys,
  fabricBudgetKey,
  fabricBudgetKeyPattern,
  globEscape,
  inboxKeyPattern,
  inboxKeys,
  ingressRateLimitKeyPattern,
  ingressRateLimitNameSpace,
  ingressRateLimitSubject,
  laneKey,
  laneKeyPattern,
  fabricBreakerKey,
  inventoryLaneKey,
  inventoryLaneKeyPattern,
  inventoryPushKeyPattern,
  inventoryPushKeys,
  parseEventKey,
  parseInboxKey,
  parseLaneKey,
  scanKeys,
  type EventKeyName,
  type InboxKeyName,
} from '../../shared/keys.js';

/**
 * Key names are stored data: the literals below are what earlier deploys wrote, so a change that would orphan
 * existing keys fails here. Ids are URI-encoded parts, so ids holding ':', '/', '%' or spaces read back intact.
 */
const PREFIX = '{rob}';
const AWKWARD = ['plain', 'a:b', 'with space', '497/21', '100%', 'ünï', ':', ''];

describe('key names', () => {
  it('are byte-for-byte those earlier deploys wrote', () => {
    expect(eventKeys(PREFIX, '497', 'ch 1:x')).toEqual({
      order: '{rob}:events:497:ch%201%3Ax:order',
      body: '{rob}:events:497:ch%201%3Ax:body',
      seq: '{rob}:events:497:ch%201%3Ax:seq',
    });
    expect(inboxKeys(PREFIX, '497/21')).toEqual({
      pending: '{rob}:inbox:497%2F21:pending',
      orders: '{rob}:inbox:497%2F21:orders',
      acked: '{rob}:inbox:497%2F21:acked',
      seq: '{rob}:inbox:497%2F21:seq',
      watermark: '{rob}:inbox:497%2F21:watermark',
      lastSync: '{rob}:inbox:497%2F21:last-sync',
      held: '{rob}:inbox:497%2F21:held',
      offered: '{rob}:inbox:497%2F21:offered',
      skipped: '{rob}:inbox:497%2F21:skipped',
    });
    expect(laneKey(PREFIX, 'default', 'R:1 2')).toBe('{rob}:lane:default:R%3A1%202');
    expect(fabricBudgetKey(PREFIX, 'https://acme.example/api')).toBe('{rob}:fabric-rate:01616a56a86810e8');
    expect(ingressRateLimitNameSpace(PREFIX) + ingressRateLimitSubject('client', '497')).toBe('{rob}:ratelimit:client:497');
    expect(ingressRateLimitSubject('ip', '::1')).toBe('ip:::1');
  });

  it('read event keys back to their client and channel', () => {
    for (const clientId of AWKWARD) {
      for (const channelId of AWKWARD) {
        const keys = eventKeys(PREFIX, clientId, channelId);
        for (const name of Object.keys(EVENT_KEY_SUFFIXES) as EventKeyName[]) {
          expect(parseEventKey(PREFIX, keys[name], name)).toEqual({ clientId, channelId });
        }
      }
    }
  });

  it('read inbox keys back to their binding', () => {
    for (const binding of AWKWARD) {
      const keys = inboxKeys(PREFIX, binding);
      for (const name of Object.keys(INBOX_KEY_SUFFIXES) as InboxKeyName[]) expect(parseInboxKey(PREFIX, keys[name], name)).toBe(binding);
    }
  });

  it('read lane keys back to their binding and order', () => {
    for (const bindingKey of AWKWARD) {
      for (const refnum of AWKWARD) expect(parseLaneKey(PREFIX, laneKey(PREFIX, bindingKey, refnum))).toEqual({ bindingKey, refnum });
    }
  });

  it('do not read keys of another family, suffix, prefix or shape', () => {
    const events = eventKeys(PREFIX, 'c', 'ch');
    expect(parseEventKey(PREFIX, events.body, 'order')).toBeNull();
    expect(parseEventKey('{other}', events.order, 'order')).toBeNull();
    expect(parseEventKey(PREFIX, inboxKeys(PREFIX, 'c').seq, 'seq')).toBeNull();
    expect(parseEventKey(PREFIX, '{rob}:events:a:b:c:order', 'order')).toBeNull();
    expect(parseEventKey(PREFIX, '{rob}:events:%E0%A4%A:b:order', 'order')).toBeNull();
    expect(parseInboxKey(PREFIX, inboxKeys(PREFIX, 'b').pending, 'held')).toBeNull();
    expect(parseInboxKey(PREFIX, '{rob}:inbox:pending', 'pending')).toBeNull();
    expect(parseLaneKey(PREFIX, inboxKeys(PREFIX, 'b').held)).toBeNull();
    expect(parseLaneKey(PREFIX, '{rob}:lane:only-one')).toBeNull();
  });

  it('match patterns escape the prefix for SCAN', () => {
    expect(globEscape('{a*b?[c]\\d}')).toBe('{a\\*b\\?\\[c\\]\\\\d}');
    expect(eventKeyPattern(PREFIX, 'order')).toBe('{rob}:events:*:order');
    expect(inboxKeyPattern(PREFIX, 'lastSync')).toBe('{rob}:inbox:*:last-sync');
    expect(laneKeyPattern('{r*}')).toBe('{r\\*}:lane:*');
    expect(fabricBudgetKeyPattern(PREFIX)).toBe('{rob}:fabric-rate:*');
    expect(ingressRateLimitKeyPattern(PREFIX)).toBe('{rob}:ratelimit:*');
    expect(inventoryLaneKeyPattern(PREFIX)).toBe('{rob}:inventory-lane:*');
    expect(inventoryPushKeyPattern(PREFIX)).toBe('{rob}:inventory-push:*');
  });

  it('inventory lanes and pushes have families of their own, apart from the order lanes', () => {
    expect(inventoryLaneKey(PREFIX, '497/21', '3')).toBe('{rob}:inventory-lane:497%2F21:3');
    expect(parseLaneKey(PREFIX, inventoryLaneKey(PREFIX, 'default', '3'))).toBeNull();
    expect(fabricBreakerKey(PREFIX, 'https://acme.example/api')).toBe('{rob}:fabric-breaker:01616a56a86810e8');
    expect(inventoryPushKeys(PREFIX, 'p-1')).toEqual({
      state: '{rob}:inventory-push:p-1:state',
      done: '{rob}:inventory-push:p-1:done',
      progress: '{rob}:inventory-push:p-1:progress',
      outcomes: '{rob}:inventory-push:p-1:outcomes',
    });
  });
});

describe('scanKeys', () => {
  let redis: Redis;
  beforeAll(() => {
    redis = new Redis(inject('redisUrl'));
  });
  afterAll(async () => {
    await redis.quit();
  });

  it('finds each family under a prefix holding glob characters, and nothing under a prefix the glob would match', async () => {
    const tag = randomBytes(4).toString('hex');
    const prefix = `{k${tag}[ab]*?}`;
    // What the prefix matches as an unescaped glob: an escaping bug would list these too.
    const lookalike = `{k${tag}a-x}`;
    const keys = [
      eventKeys(prefix, 'c:1', 'ch 2').order,
      inboxKeys(prefix, '497/21').pending,
      laneKey(prefix, 'default', 'R 1'),
      fabricBudgetKey(prefix, 'tenant'),
      ingressRateLimitNameSpace(prefix) + ingressRateLimitSubject('ip', '::1'),
    ];
    const decoys = [eventKeys(lookalike, 'c', 'ch').order, inboxKeys(lookalike, 'b').pending, laneKey(lookalike, 'b', 'r')];
    await Promise.all([...keys, ...decoys].map((key) => redis.set(key, '1', 'EX', 60)));
    try {
      const events = await scanKeys(redis, eventKeyPattern(prefix, 'order'));
      expect(events.map((key) => parseEventKey(prefix, key, 'order'))).toEqual([{ clientId: 'c:1', channelId: 'ch 2' }]);
      expect((await scanKeys(redis, inboxKeyPattern(prefix, 'pending'))).map((key) => parseInboxKey(prefix, key, 'pending'))).toEqual(['497/21']);
      expect((await scanKeys(redis, laneKeyPattern(prefix))).map((key) => parseLaneKey(prefix, key))).toEqual([{ bindingKey: 'default', refnum: 'R 1' }]);
      expect(await scanKeys(redis, fabricBudgetKeyPattern(prefix))).toEqual([fabricBudgetKey(prefix, 'tenant')]);
      expect(await scanKeys(redis, ingressRateLimitKeyPattern(prefix))).toEqual([`${prefix}:ratelimit:ip:::1`]);
      expect(await scanKeys(redis, `${globEscape(prefix)}*`)).toEqual([...keys].sort());
    } finally {
      await redis.del(...keys, ...decoys);
    }
  });
});
