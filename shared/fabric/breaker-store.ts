import type { RedisClient } from '../redis.js';
import { defineScript, type RedisScript } from '../redis-script.js';
import type { BreakerOp, BreakerReply, BreakerRules, CircuitState } from './breaker-state.js';

/**
 * A fabric tenant's circuit in Redis, shared by every process that calls the tenant: each operation of
 * breaker-state.ts is one run of one Lua script, so that the transitions are atomic across the deployment (two
 * processes asking for the probe at once: one gets it). Time is Redis' own (TIME), so processes whose clocks differ
 * still agree on when the cooldown ends.
 *
 * The key (fabricBreakerKey, shared/keys.ts) is a hash: state, failures, openedAt (ms), probe (its owner's token) and
 * probeUntil (ms). It is deleted when the circuit closes, so a healthy tenant has no key; every write keeps it a day,
 * so a tenant no longer configured leaves nothing behind.
 */

// KEYS: the circuit's hash. ARGV: op, threshold, cooldown (ms), probe lease (ms), token ('' for none).
// Returns {from, state, failures, msLeft, owner}: LocalCircuit.apply's answer, field for field.
const APPLY = `
local key = KEYS[1]
local op, threshold, cooldown, lease, token = ARGV[1], tonumber(ARGV[2]), tonumber(ARGV[3]), tonumber(ARGV[4]), ARGV[5]
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
local stored = redis.call('HMGET', key, 'state', 'failures', 'openedAt', 'probe', 'probeUntil')
local state = stored[1] or 'closed'
local failures = tonumber(stored[2] or '0')
local openedAt = tonumber(stored[3] or '0')
local probe = stored[4] or ''
local probeUntil = tonumber(stored[5] or '0')
local from = state
local owner = 0
local isProbe = token ~= '' and probe == token
local function ms(value) return string.format('%.0f', value) end
local function keep() redis.call('PEXPIRE', key, 86400000) end

if op == 'acquire' then
  if state == 'open' and now - openedAt >= cooldown then state = 'half-open' end
  if state == 'half-open' and (probe == '' or now >= probeUntil) then
    probe, probeUntil, owner = token, now + lease, 1
    redis.call('HSET', key, 'state', state, 'probe', probe, 'probeUntil', ms(probeUntil))
    keep()
  end
elseif op == 'failure' then
  if state == 'closed' or (state == 'half-open' and isProbe) then
    failures = failures + 1
    if state == 'half-open' or failures >= threshold then
      state, openedAt, probe = 'open', now, ''
      redis.call('HSET', key, 'state', state, 'failures', failures, 'openedAt', ms(openedAt))
      redis.call('HDEL', key, 'probe', 'probeUntil')
    else
      redis.call('HSET', key, 'failures', failures)
    end
    keep()
  end
elseif op == 'success' then
  state, failures, probe = 'closed', 0, ''
  redis.call('DEL', key)
elseif op == 'release' then
  if state == 'half-open' and isProbe then
    probe = ''
    redis.call('HDEL', key, 'probe', 'probeUntil')
  end
end

local left = 0
if state == 'open' then left = math.max(0, openedAt + cooldown - now)
elseif state == 'half-open' and probe ~= '' then left = math.max(0, probeUntil - now) end
return {from, state, failures, left, owner}
`;

type ScriptReply = [string, string, number, number, number];

const STATES: ReadonlySet<string> = new Set<CircuitState>(['closed', 'open', 'half-open']);

function stateOf(value: string): CircuitState {
  if (!STATES.has(value)) throw new Error(`fabric circuit: unknown state "${value}" in Redis`);
  return value as CircuitState;
}

/** Redis did not answer in time, or cannot be asked now: the breaker decides in its process instead. */
export class BreakerStoreUnavailableError extends Error {
  override readonly name = 'BreakerStoreUnavailableError';
}

export class SharedCircuit {
  readonly #redis: RedisClient;
  readonly #key: string;
  readonly #rules: BreakerRules;
  readonly #timeoutMs: number;
  readonly #apply: RedisScript<ScriptReply>;

  /** `timeoutMs`: the longest a call waits for Redis, so that a slow Redis never holds fabric calls up for long. */
  constructor(redis: RedisClient, key: string, rules: BreakerRules, timeoutMs: number) {
    this.#redis = redis;
    this.#key = key;
    this.#rules = rules;
    this.#timeoutMs = timeoutMs;
    this.#apply = defineScript(redis, 'robFabricBreaker', 1, APPLY);
  }

  /** Whether Redis can be asked at all. */
  get reachable(): boolean {
    return this.#redis.status === 'ready';
  }

  /**
   * Rejects at once when the connection is not ready: a worker connection would otherwise queue the command until
   * Redis came back and run it then, reporting an outcome long after it mattered (or taking a probe nobody sends).
   */
  async apply(op: BreakerOp, token: string): Promise<BreakerReply> {
    if (!this.reachable) throw new BreakerStoreUnavailableError(`redis connection ${this.#redis.status}`);
    const { threshold, cooldownMs, probeLeaseMs } = this.#rules;
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new BreakerStoreUnavailableError(`redis did not answer within ${this.#timeoutMs} ms`)), this.#timeoutMs);
    });
    try {
      const [from, state, failures, msLeft, owner] = await Promise.race([this.#apply([this.#key], [op, threshold, cooldownMs, probeLeaseMs, token]), timeout]);
      return { from: stateOf(from), state: stateOf(state), failures, msLeft, owner: owner === 1 };
    } finally {
      clearTimeout(timer);
    }
  }
}
