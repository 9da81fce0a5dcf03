import { randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:net';
import type { AddressInfo } from 'node:net';
import { Redis } from 'ioredis';
import { pino } from 'pino';
import { afterAll, afterEach, beforeAll, describe, expect, inject, it } from 'vitest';
import { CircuitBreaker, CircuitOpenError, type CircuitBreakerOptions, type CircuitState } from '../../shared/fabric/circuit-breaker.js';
import { FabricError } from '../../shared/fabric/errors.js';
import { fabricBreakerKey } from '../../shared/keys.js';

interface LogLine {
  msg: string;
  circuit?: string;
  to?: string;
  shared?: boolean;
}
const lines: LogLine[] = [];
const logger = pino({ level: 'info' }, { write: (line: string) => void lines.push(JSON.parse(line) as LogLine) });
const logged = (circuit: string, msg: string): LogLine[] => lines.filter((line) => line.circuit === circuit && line.msg === msg);

function transient(): FabricError {
  return new FabricError('fabric answered 503', { status: 503, errorCode: null, requestUrl: 'u', method: 'GET', retryAfterMs: null, kind: 'transient' });
}
function permanent(): FabricError {
  return new FabricError('fabric answered 404', { status: 404, errorCode: null, requestUrl: 'u', method: 'GET', retryAfterMs: null, kind: 'permanent' });
}

const fail = (error: FabricError) => async () => {
  throw error;
};
const ok = async () => 'ok';
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
/** The error a run ended with (undefined when it succeeded). */
const outcome = (run: Promise<unknown>): Promise<unknown> => run.then(() => undefined, (error: unknown) => error);

describe('CircuitBreaker in one process (no Redis: the fallback, and what store-less callers get)', () => {
  function breaker(now: { value: number }) {
    return new CircuitBreaker({ name: 'tenant-a', threshold: 3, cooldownMs: 1000, logger, now: () => now.value });
  }

  it('opens after threshold consecutive transient failures and then fails fast with Retry-After', async () => {
    const now = { value: 0 };
    const circuit = breaker(now);
    let calls = 0;
    const counted = async () => {
      calls += 1;
      throw transient();
    };
    for (let index = 0; index < 3; index += 1) await expect(circuit.run(counted, 'u')).rejects.toThrow('503');
    expect(circuit.state).toBe('open');
    now.value = 400;
    const error = await circuit.run(counted, 'u').catch((caught: unknown) => caught as FabricError);
    expect(calls).toBe(3);
    expect(error.details).toMatchObject({ errorCode: 'CIRCUIT_OPEN', kind: 'transient', retryAfterMs: 600 });
    expect(logged('tenant-a', 'fabric circuit opened').length).toBeGreaterThan(0);
  });

  it('lets one probe through after the cooldown; success closes, failure reopens', async () => {
    const now = { value: 0 };
    const circuit = breaker(now);
    for (let index = 0; index < 3; index += 1) await circuit.run(fail(transient()), 'u').catch(() => undefined);
    now.value = 1000;
    await circuit.run(fail(transient()), 'u').catch(() => undefined);
    expect(circuit.state).toBe('open');
    now.value = 2000;
    expect(await circuit.run(ok, 'u')).toBe('ok');
    expect(circuit.state).toBe('closed');
  });

  it('counts permanent errors as the channel being up', async () => {
    const circuit = breaker({ value: 0 });
    await circuit.run(fail(transient()), 'u').catch(() => undefined);
    await circuit.run(fail(transient()), 'u').catch(() => undefined);
    await circuit.run(fail(permanent()), 'u').catch(() => undefined);
    await circuit.run(fail(transient()), 'u').catch(() => undefined);
    expect(circuit.state).toBe('closed');
  });

  it('leaves its state alone for an error of the bridge itself (nothing was sent, e.g. a lost job lock)', async () => {
    const now = { value: 0 };
    const circuit = breaker(now);
    for (let index = 0; index < 3; index += 1) await circuit.run(fail(transient()), 'u').catch(() => undefined);
    now.value = 1000;
    await circuit.run(async () => {
      throw new Error('lock lost');
    }, 'u').catch(() => undefined);
    expect(circuit.state).toBe('half-open');
    expect(await circuit.run(ok, 'u')).toBe('ok');
    expect(circuit.state).toBe('closed');
  });
});

describe('CircuitBreaker shared through Redis (one circuit per tenant for every process)', () => {
  const COOLDOWN_MS = 300;
  let redis: Redis;
  const made: CircuitBreaker[] = [];

  beforeAll(async () => {
    redis = new Redis(inject('redisUrl'));
    await redis.ping(); // ready, as a service's connection is before any fabric call (shared/redis.ts)
  });
  afterEach(() => {
    for (const breaker of made.splice(0)) breaker.close();
  });
  afterAll(async () => {
    await redis.quit();
  });

  /** A circuit of its own (name and key), and inProcess: the breaker one more process would hold for it. */
  function circuit() {
    const name = `tenant-${randomBytes(4).toString('hex')}`;
    const key = fabricBreakerKey(`{cb${randomBytes(4).toString('hex')}}`, name);
    const states: CircuitState[][] = [];
    const inProcess = (options: Partial<CircuitBreakerOptions> = {}): CircuitBreaker => {
      const seen: CircuitState[] = [];
      states.push(seen);
      const breaker = new CircuitBreaker({
        name,
        threshold: 3,
        cooldownMs: COOLDOWN_MS,
        logger,
        shared: { redis, key },
        refreshMs: 60_000,
        callTimeoutMs: 1000,
        onStateChange: (state) => void seen.push(state),
        ...options,
      });
      made.push(breaker);
      return breaker;
    };
    return { name, key, inProcess, states };
  }

  async function open(breaker: CircuitBreaker): Promise<void> {
    for (let index = 0; index < 3; index += 1) await breaker.run(fail(transient()), 'u').catch(() => undefined);
    expect(breaker.state).toBe('open');
  }

  it('counts the failures of every process and opens for all of them: the one that opened it logs it', async () => {
    const { name, inProcess, states } = circuit();
    const a = inProcess({ refreshMs: 50 });
    const b = inProcess();
    await a.run(fail(transient()), 'u').catch(() => undefined);
    await a.run(fail(transient()), 'u').catch(() => undefined);
    await b.run(fail(transient()), 'u').catch(() => undefined);
    expect(b.state).toBe('open');
    expect(logged(name, 'fabric circuit opened')).toMatchObject([{ to: 'open', shared: true }]);

    // a learns it at its next refresh, its metric with it, and then holds its calls back without asking Redis.
    await sleep(150);
    expect(a.state).toBe('open');
    expect(states[0]).toEqual(['open']);
    let sent = 0;
    const error = await outcome(
      a.run(async () => {
        sent += 1;
        return 'ok';
      }, 'u'),
    );
    expect(sent).toBe(0);
    expect(error).toBeInstanceOf(CircuitOpenError);
    const waitMs = (error as CircuitOpenError).details.retryAfterMs ?? 0;
    expect(waitMs).toBeGreaterThan(0);
    expect(waitMs).toBeLessThanOrEqual(COOLDOWN_MS);
    expect(logged(name, 'fabric circuit opened')).toHaveLength(1);
  });

  it('lets exactly one probe through after the cooldown, whichever process asks; its success closes the circuit for all', async () => {
    const { name, inProcess, states } = circuit();
    const breakers = [inProcess({ refreshMs: 50 }), inProcess({ refreshMs: 50 }), inProcess({ refreshMs: 50 }), inProcess({ refreshMs: 50 })];
    await open(breakers[0] as CircuitBreaker);
    await sleep(COOLDOWN_MS + 20);

    let sent = 0;
    const probe = async () => {
      sent += 1;
      await sleep(50);
      return 'ok';
    };
    const errors = await Promise.all(breakers.flatMap((breaker) => [outcome(breaker.run(probe, 'u')), outcome(breaker.run(probe, 'u'))]));
    expect(sent).toBe(1);
    expect(errors.filter((error) => error === undefined)).toHaveLength(1);
    expect(errors.filter((error) => error instanceof CircuitOpenError)).toHaveLength(7);
    expect(logged(name, 'fabric circuit half-open')).toHaveLength(1);
    expect(logged(name, 'fabric circuit closed')).toHaveLength(1);

    await sleep(150);
    expect(breakers.map((breaker) => breaker.state)).toEqual(['closed', 'closed', 'closed', 'closed']);
    for (const seen of states) expect(seen.at(-1)).toBe('closed');
    expect(await breakers[3]?.run(ok, 'u')).toBe('ok');
  });

  it('opens again for a whole cooldown when the probe fails; a failure of a call sent before the opening does not', async () => {
    const { name, key, inProcess } = circuit();
    const a = inProcess();
    const b = inProcess();
    await open(a);
    await sleep(COOLDOWN_MS + 20);
    await a.run(fail(transient()), 'u').catch(() => undefined);
    expect(a.state).toBe('open');
    expect(logged(name, 'fabric circuit opened')).toHaveLength(2);

    // b still thinks the circuit closed (it has not refreshed): its call goes out, fails, and the answer tells it.
    expect(b.state).toBe('closed');
    await b.run(fail(transient()), 'u').catch(() => undefined);
    expect(b.state).toBe('open');
    expect(logged(name, 'fabric circuit opened')).toHaveLength(2);
    const error = await outcome(b.run(ok, 'u'));
    expect((error as CircuitOpenError).details.retryAfterMs).toBeGreaterThan(COOLDOWN_MS - 100);
    expect(await redis.hget(key, 'state')).toBe('open');
  });

  it('counts a permanent error as fabric up: the count is cleared for every process', async () => {
    const { key, inProcess } = circuit();
    const a = inProcess();
    const b = inProcess({ refreshMs: 50 });
    await a.run(fail(transient()), 'u').catch(() => undefined);
    await a.run(fail(transient()), 'u').catch(() => undefined);
    await sleep(150); // b hears of the two failures
    await b.run(fail(permanent()), 'u').catch(() => undefined);
    expect(await redis.exists(key)).toBe(0);
    await a.run(fail(transient()), 'u').catch(() => undefined);
    expect(await redis.hget(key, 'failures')).toBe('1');
    expect(a.state).toBe('closed');
  });

  it('hands the probe on at once when it ends in an error of the bridge itself (nothing sent)', async () => {
    const { inProcess } = circuit();
    const a = inProcess();
    const b = inProcess({ refreshMs: 50 });
    await open(a);
    await sleep(COOLDOWN_MS + 20);
    await a.run(async () => {
      throw new Error('lock lost');
    }, 'u').catch(() => undefined);
    await sleep(100);
    expect(b.state).toBe('half-open');
    expect(await b.run(ok, 'u')).toBe('ok');
    expect(b.state).toBe('closed');
  });

  it('lets another process probe once a probe has been out longer than its lease (its owner died with it)', async () => {
    const { inProcess } = circuit();
    // A lease of 3 × 1 ms + 1 s.
    const a = inProcess({ callTimeoutMs: 1 });
    const b = inProcess({ callTimeoutMs: 1, refreshMs: 50 });
    await open(a);
    await sleep(COOLDOWN_MS + 20);
    let finish: (value: string) => void = () => undefined;
    const lost = a.run(() => new Promise<string>((resolve) => (finish = resolve)), 'u');
    await sleep(20);
    expect(await outcome(b.run(ok, 'u'))).toBeInstanceOf(CircuitOpenError);
    await sleep(1050);
    expect(await b.run(ok, 'u')).toBe('ok');
    finish('late');
    await lost;
  });

  it('writes nothing for a success while closed with no failure counted; one write per failure and one to clear them', async () => {
    const { key, inProcess } = circuit();
    const breaker = inProcess();
    const monitor = await redis.monitor();
    const scripts: string[] = [];
    monitor.on('monitor', (_time: string, args: string[]) => {
      if (args.includes(key) && /^eval/i.test(args[0] ?? '')) scripts.push(args.join(' '));
    });
    try {
      await sleep(50);
      for (let index = 0; index < 20; index += 1) await breaker.run(ok, 'u');
      await breaker.run(fail(transient()), 'u').catch(() => undefined);
      await breaker.run(ok, 'u'); // clears the count
      for (let index = 0; index < 20; index += 1) await breaker.run(ok, 'u');
      await sleep(100);
      expect(scripts).toHaveLength(2);
      expect(scripts[0]).toContain('failure');
      expect(scripts[1]).toContain('success');
    } finally {
      monitor.disconnect();
    }
  });

  it('decides in its process when Redis is out of reach, says so once, and shares the circuit again when it is back', async () => {
    const { name, key, inProcess } = circuit();
    const connection = new Redis(inject('redisUrl'));
    connection.on('error', () => undefined);
    try {
      const breaker = inProcess({ shared: { redis: connection, key }, refreshMs: 50 });
      connection.disconnect();
      const started = performance.now();
      await open(breaker);
      expect(await outcome(breaker.run(ok, 'u'))).toBeInstanceOf(CircuitOpenError);
      expect(performance.now() - started).toBeLessThan(100);
      expect(logged(name, 'fabric circuit decided in this process: redis out of reach')).toHaveLength(1);
      expect(logged(name, 'fabric circuit opened')).toMatchObject([{ shared: false }]);
      expect(await redis.exists(key)).toBe(0);

      await connection.connect();
      await sleep(150);
      expect(logged(name, 'fabric circuit shared again: redis is back')).toHaveLength(1);
      // Redis' circuit wins: nobody opened it there.
      expect(breaker.state).toBe('closed');
      expect(await breaker.run(ok, 'u')).toBe('ok');
    } finally {
      connection.disconnect();
    }
  });

  it('waits for a Redis that does not answer no longer than its timeout, then decides in its process', async () => {
    const { name, inProcess } = circuit();
    // Accepts connections and never answers: a Redis hung, or a network that drops the replies.
    const silent: Server = createServer(() => undefined);
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const { port } = silent.address() as AddressInfo;
    const connection = new Redis({ host: '127.0.0.1', port, enableReadyCheck: false, disableClientInfo: true, maxRetriesPerRequest: null, lazyConnect: true });
    connection.on('error', () => undefined);
    try {
      await connection.connect();
      const breaker = inProcess({ shared: { redis: connection, key: 'k' }, redisTimeoutMs: 100 });
      const started = performance.now();
      await open(breaker);
      const elapsed = performance.now() - started;
      expect(elapsed).toBeGreaterThanOrEqual(90);
      expect(elapsed).toBeLessThan(300);
      expect(logged(name, 'fabric circuit decided in this process: redis out of reach')).toHaveLength(1);
    } finally {
      connection.disconnect();
      silent.close();
    }
  });
});
