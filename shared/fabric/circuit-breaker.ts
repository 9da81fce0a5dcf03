import type { Logger } from '../logger.js';
import { FabricError } from './errors.js';

/**
 * Stops hammering a fabric tenant that is down. After `threshold` consecutive transient failures the circuit opens:
 * calls fail at once with a CircuitOpenError whose Retry-After is the time left, so jobs wait for the circuit instead
 * of sending them. After `cooldownMs` one call is let through (half-open): its success closes the
 * circuit, its failure opens it again. Permanent errors (4xx) show the channel is up and count as successes.
 * One breaker per tenant in each worker process.
 */
export type CircuitState = 'closed' | 'open' | 'half-open';

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
  /** Told of every change of state, for metrics. */
  readonly onStateChange?: (state: CircuitState) => void;
}

export class CircuitBreaker {
  readonly #options: CircuitBreakerOptions;
  readonly #now: () => number;
  #state: CircuitState = 'closed';
  #failures = 0;
  #openedAt = 0;
  #probing = false;

  constructor(options: CircuitBreakerOptions) {
    this.#options = options;
    this.#now = options.now ?? Date.now;
  }

  get state(): CircuitState {
    return this.#state;
  }

  async run<T>(call: () => Promise<T>, requestUrl: string): Promise<T> {
    this.#beforeCall(requestUrl);
    try {
      const result = await call();
      this.#onSuccess();
      return result;
    } catch (error) {
      // fabric answering a refusal is fabric up; an error of our own (nothing sent, e.g. a lost job lock) says nothing.
      if (error instanceof FabricError) {
        if (error.transient) this.#onFailure(error);
        else this.#onSuccess();
      }
      throw error;
    } finally {
      this.#probing = false;
    }
  }

  #beforeCall(requestUrl: string): void {
    if (this.#state === 'closed') return;
    const waited = this.#now() - this.#openedAt;
    if (this.#state === 'open' && waited >= this.#options.cooldownMs) this.#transition('half-open');
    if (this.#state === 'half-open' && !this.#probing) {
      this.#probing = true;
      return;
    }
    const retryAfterMs = Math.max(this.#options.cooldownMs - waited, 100);
    throw new CircuitOpenError(`circuit open for ${this.#options.name}: fabric failed ${this.#options.threshold} times in a row`, requestUrl, retryAfterMs);
  }

  #onSuccess(): void {
    this.#failures = 0;
    if (this.#state !== 'closed') this.#transition('closed');
  }

  #onFailure(error: FabricError): void {
    this.#failures += 1;
    if (this.#state === 'half-open' || (this.#state === 'closed' && this.#failures >= this.#options.threshold)) {
      this.#openedAt = this.#now();
      this.#transition('open', error);
    }
  }

  #transition(state: CircuitState, cause?: FabricError): void {
    const from = this.#state;
    this.#state = state;
    this.#options.onStateChange?.(state);
    const fields = { circuit: this.#options.name, from, to: state, failures: this.#failures, cause: cause?.message };
    if (state === 'open') this.#options.logger.warn(fields, 'fabric circuit opened');
    else this.#options.logger.info(fields, `fabric circuit ${state}`);
  }
}
