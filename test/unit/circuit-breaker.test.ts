import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { CircuitBreaker } from '../../shared/fabric/circuit-breaker.js';
import { FabricError } from '../../shared/fabric/errors.js';

const lines: { msg: string; to?: string }[] = [];
const logger = pino({ level: 'info' }, { write: (line: string) => void lines.push(JSON.parse(line) as { msg: string; to?: string }) });

function transient(): FabricError {
  return new FabricError('fabric answered 503', { status: 503, errorCode: null, requestUrl: 'u', method: 'GET', retryAfterMs: null, kind: 'transient' });
}
function permanent(): FabricError {
  return new FabricError('fabric answered 404', { status: 404, errorCode: null, requestUrl: 'u', method: 'GET', retryAfterMs: null, kind: 'permanent' });
}

function breaker(now: { value: number }) {
  return new CircuitBreaker({ name: 'tenant-a', threshold: 3, cooldownMs: 1000, logger, now: () => now.value });
}

const fail = (error: FabricError) => async () => {
  throw error;
};
const ok = async () => 'ok';

describe('CircuitBreaker', () => {
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
    expect(lines.some((line) => line.msg === 'fabric circuit opened')).toBe(true);
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
