import { randomBytes } from 'node:crypto';
import type { Logger } from '../logger.js';
import type { RedisClient } from '../redis.js';
import { LocalCircuit, type BreakerOp, type BreakerReply, type CircuitState } from './breaker-state.js';
import { SharedCircuit } from './breaker-store.js';
import { FabricError } from './errors.js';

export type { CircuitState } from './breaker-state.js';

/**
 * The circuit held a call back: nothing was sent. A class of its own, so that workers recognise it by type (and wait
 * without spending an attempt, workers/failure-policy.ts); still a transient FabricError with errorCode CIRCUIT_OPEN
 * for anything that reads fabric errors generically.
 */
export class CircuitOpenError extends FabricError {
  constructor(message: string, requestUrl: string, retryAfterMs: number) {
    super(message, { status: null, errorCode: 'CIRCUIT_OPEN', requestUrl, method: 'ANY', retryAfterMs, kind: 'transient' });
  }
}

export interface CircuitBreakerOptions {
  readonly name: string;
  readonly threshold: number;
  readonly cooldownMs: number;
  readonly logger: Logger;
  readonly now?: () => number;
  /** Told of every change of state this process learns of (its own or another's), for metrics. */
  readonly onStateChange?: (state: CircuitState) => void;
  /** Where the circuit is shared (fabricBreakerKey, shared/keys.ts); without it the circuit is this process's own. */
  readonly shared?: { readonly redis: RedisClient; readonly key: string };
  /**
   * FABRIC_TIMEOUT_MS. A probe is a token request, the call and its repeat after a 401, each bounded by it: only after
   * that long may another process take the probe over from one that died with it.
   */
  readonly callTimeoutMs?: number;
  /** How often the process re-reads the shared circuit (what an idle process, and its metric, lag by). */
  readonly refreshMs?: number;
  /** The longest a call waits for Redis before the breaker decides in its process. */
  readonly redisTimeoutMs?: number;
}

/** Long enough for Redis under load, short against any fabric call (FABRIC_TIMEOUT_MS, 10 s by default). */
const REDIS_TIMEOUT_MS = 500;
const REFRESH_MS = 1000;
/** How long a call waits while another's probe is out: the probe's answer usually comes within a fabric call. */
const PROBE_WAIT_MS = 100;
/** The shortest wait a CircuitOpenError names: a job moved to delayed for less would come straight back. */
const MIN_WAIT_MS = 100;

/** What this process last heard of the circuit: enough to decide a call without asking Redis. */
interface CircuitView {
  readonly state: CircuitState;
  readonly failures: number;
  /** Not closed: ask again no earlier than this (local clock). */
  readonly askAt: number;
}

/**
 * Stops hammering a fabric tenant that is down. After `threshold` consecutive transient failures the circuit opens:
 * calls fail at once with a CircuitOpenError whose Retry-After is the time left, so jobs wait for the circuit instead
 * of sending them. After `cooldownMs` one call is let through (half-open): its success closes the circuit, its failure
 * opens it again. Permanent errors (4xx) show the channel is up and count as successes.
 *
 * One circuit per tenant for the whole deployment: its state lives in Redis (breaker-store.ts), so every process
 * opens, probes and closes together, and exactly one of them sends the probe. What that costs a call:
 * - closed (the common case): nothing. The process decides from what it last heard of the circuit, refreshed every
 *   `refreshMs` in the background, and a success writes nothing unless there are failures to clear. A process learns
 *   of an opening from its own next failure (every failure is written and answered with the state), or at the next
 *   refresh; until then it may send a call or two to a fabric that is down, which would fail anyway.
 * - open, cooldown not over: nothing either; the time left is known locally.
 * - after the cooldown, half-open, and every failure or transition: one round trip (a Lua script).
 * - and, apart from calls, one read every `refreshMs` per tenant and process: what keeps an idle process's
 *   rob_fabric_circuit_state true, and every process's view at most that old.
 * A Redis that cannot be reached, or is slower than `redisTimeoutMs`, must not make things worse: the breaker then
 * decides in its process from what it last knew (the per-process breaker of old: each process probes on its own),
 * says so once, and goes back to the shared circuit at the first refresh that reaches Redis.
 */
export class CircuitBreaker {
  readonly #options: CircuitBreakerOptions;
  readonly #now: () => number;
  readonly #local: LocalCircuit;
  readonly #shared: SharedCircuit | undefined;
  readonly #refresh: NodeJS.Timeout | undefined;
  /** Tells this process's probes apart from every other's. */
  readonly #tokenPrefix = randomBytes(6).toString('hex');
  #tokens = 0;
  #view: CircuitView = { state: 'closed', failures: 0, askAt: 0 };
  /** Redis is out of reach: decide in this process (LocalCircuit) until a refresh reaches it again. */
  #fallback = false;
  #refreshing = false;

  constructor(options: CircuitBreakerOptions) {
    this.#options = options;
    this.#now = options.now ?? Date.now;
    const callTimeoutMs = options.callTimeoutMs ?? 10_000;
    const rules = { threshold: options.threshold, cooldownMs: options.cooldownMs, probeLeaseMs: 3 * callTimeoutMs + 1000 };
    this.#local = new LocalCircuit(rules);
    if (options.shared) {
      this.#shared = new SharedCircuit(options.shared.redis, options.shared.key, rules, options.redisTimeoutMs ?? REDIS_TIMEOUT_MS);
      // unref: the refresh never keeps a process alive, and it skips a connection that is not ready (closed).
      this.#refresh = setInterval(() => void this.#refreshView(), options.refreshMs ?? REFRESH_MS).unref();
    }
  }

  get state(): CircuitState {
    return this.#view.state;
  }

  /** Stops the background refresh (the circuit in Redis stays as it is). */
  close(): void {
    clearInterval(this.#refresh);
  }

  async run<T>(call: () => Promise<T>, requestUrl: string): Promise<T> {
    const probe = await this.#admit(requestUrl);
    let result: T;
    try {
      result = await call();
    } catch (error) {
      // fabric answering a refusal is fabric up; an error of our own (nothing sent, e.g. a lost job lock) says nothing,
      // but hands the probe on if this call held it.
      if (error instanceof FabricError) await this.#record(error.transient ? 'failure' : 'success', probe, error);
      else if (probe !== '') await this.#record('release', probe);
      throw error;
    }
    await this.#record('success', probe);
    return result;
  }

  /** Lets the call through ('' or, for the probe, its token), or throws CircuitOpenError with the time left. */
  async #admit(requestUrl: string): Promise<string> {
    if (this.#view.state === 'closed') return '';
    if (this.#view.askAt > this.#now()) throw this.#openError(requestUrl);
    const token = `${this.#tokenPrefix}:${(this.#tokens += 1)}`;
    const reply = await this.#apply('acquire', token);
    if (reply.owner) return token;
    if (reply.state === 'closed') return '';
    throw this.#openError(requestUrl);
  }

  async #record(op: 'success' | 'failure' | 'release', probe: string, cause?: FabricError): Promise<void> {
    // A success with nothing to clear is the closed path: no write.
    if (op === 'success' && probe === '' && this.#view.state === 'closed' && this.#view.failures === 0) return;
    await this.#apply(op, probe, cause);
  }

  /** One operation on the shared circuit, or on the local one when Redis is out of reach; what it says is adopted. */
  async #apply(op: BreakerOp, token: string, cause?: FabricError): Promise<BreakerReply> {
    let reply: BreakerReply | undefined;
    if (this.#shared && !this.#fallback) {
      try {
        reply = await this.#shared.apply(op, token);
      } catch (error) {
        this.#fallBack(error);
      }
    }
    reply ??= this.#local.apply(op, token, this.#now());
    this.#adopt(reply);
    if (reply.state !== reply.from) this.#logTransition(reply, cause);
    return reply;
  }

  #adopt(reply: BreakerReply): void {
    const previous = this.#view.state;
    const waitMs = reply.state === 'open' ? reply.msLeft : reply.state === 'half-open' && reply.msLeft > 0 ? Math.min(reply.msLeft, PROBE_WAIT_MS) : 0;
    this.#view = { state: reply.state, failures: reply.failures, askAt: this.#now() + waitMs };
    if (reply.state !== previous) this.#options.onStateChange?.(reply.state);
  }

  /** Every refreshMs: what the other processes did meanwhile; the way back from a fallback. */
  async #refreshView(): Promise<void> {
    if (!this.#shared?.reachable || this.#refreshing) return;
    this.#refreshing = true;
    try {
      const reply = await this.#shared.apply('read', '');
      if (this.#fallback) {
        this.#fallback = false;
        this.#options.logger.info({ circuit: this.#options.name, state: reply.state }, 'fabric circuit shared again: redis is back');
      }
      this.#adopt(reply);
    } catch (error) {
      this.#fallBack(error);
    } finally {
      this.#refreshing = false;
    }
  }

  #fallBack(error: unknown): void {
    if (this.#fallback) return;
    this.#fallback = true;
    const { state, failures, askAt } = this.#view;
    this.#local.seed(state, failures, state === 'open' ? Math.max(0, askAt - this.#now()) : 0, this.#now());
    this.#options.logger.warn(
      { circuit: this.#options.name, reason: error instanceof Error ? error.message : String(error) },
      'fabric circuit decided in this process: redis out of reach',
    );
  }

  #openError(requestUrl: string): CircuitOpenError {
    const waitMs = Math.max(this.#view.askAt - this.#now(), MIN_WAIT_MS);
    return new CircuitOpenError(`circuit open for ${this.#options.name}: fabric failed ${this.#options.threshold} times in a row`, requestUrl, waitMs);
  }

  #logTransition(reply: BreakerReply, cause: FabricError | undefined): void {
    const fields = { circuit: this.#options.name, from: reply.from, to: reply.state, failures: reply.failures, shared: !this.#fallback, cause: cause?.message };
    if (reply.state === 'open') this.#options.logger.warn(fields, 'fabric circuit opened');
    else this.#options.logger.info(fields, `fabric circuit ${reply.state}`);
  }
}
