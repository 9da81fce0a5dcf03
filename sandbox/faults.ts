// Fault injection for /v3 calls: the failures a gateway in front of fabric can produce (5xx, 429
// with Retry-After, slow answers, hangs). Faults are decided before auth and business logic, so a
// faulted call never changes state, like a request rejected by the gateway; the one exception is a lost
// response, where the call takes effect and the answer is replaced by the failure.
import { z } from 'zod';
import { ErrorCodes, fabricErrorBody, type FabricErrorBody } from './errors.js';

export interface FaultConfig {
  /** Share of /v3 calls answered with `status`, 0..1. */
  errorRate: number;
  /** HTTP status of injected failures (400..599). @defaultValue 503 */
  status: number;
  /** Seconds sent in Retry-After on injected failures; null sends no header. */
  retryAfterSeconds: number | null;
  /** Delay added to every /v3 answer, in ms. */
  latencyMs: number;
  /** Share of /v3 calls that hang (30 s by default) and then fail with `status`, 0..1. */
  timeoutRate: number;
  /** The next N /v3 calls fail with `status`, before errorRate/timeoutRate are considered. */
  failNext: number;
  /**
   * Share of /v3 calls that take effect and then answer `status` anyway, 0..1: a response lost on the way back,
   * as after a gateway timeout. Retries of such calls must be recognised as already done.
   */
  lostResponseRate: number;
  /**
   * The next N /v3 calls that change state (POSTs other than searches and inventory find) take effect and then
   * answer `status`: one lost answer placed exactly, for a test that must know which call lost it.
   */
  loseNextChanges: number;
}

export const noFaults: Readonly<FaultConfig> = Object.freeze({
  errorRate: 0,
  status: 503,
  retryAfterSeconds: null,
  latencyMs: 0,
  timeoutRate: 0,
  failNext: 0,
  lostResponseRate: 0,
  loseNextChanges: 0,
});

const rate = z.number().min(0).max(1);

/** Strict: a misspelt fault key would otherwise silently inject nothing. */
export const faultConfigInputSchema = z.strictObject({
  errorRate: rate.optional(),
  status: z.number().int().min(400).max(599).optional(),
  retryAfterSeconds: z.number().int().min(0).nullable().optional(),
  latencyMs: z.number().int().min(0).max(120_000).optional(),
  timeoutRate: rate.optional(),
  failNext: z.number().int().min(0).optional(),
  lostResponseRate: rate.optional(),
  loseNextChanges: z.number().int().min(0).optional(),
});

export type FaultDecision = 'pass' | 'fail' | 'timeout' | 'lost';

export interface FaultResponse {
  status: number;
  headers: Record<string, string>;
  body: FabricErrorBody;
}

/** Keys set to undefined fall back to their defaults instead of erasing them. */
function withDefaults(config: Partial<FaultConfig>): FaultConfig {
  const defined = Object.entries(config).filter(([, value]) => value !== undefined);
  return { ...noFaults, ...(Object.fromEntries(defined) as Partial<FaultConfig>) };
}

export class FaultInjector {
  #config: FaultConfig;
  readonly #random: () => number;

  constructor(initial: Partial<FaultConfig> = {}, random: () => number = Math.random) {
    this.#config = withDefaults(initial);
    this.#random = random;
  }

  get config(): FaultConfig {
    return { ...this.#config };
  }

  /** Replaces the whole configuration: what a test sets is exactly what is active. */
  configure(config: Partial<FaultConfig>): FaultConfig {
    this.#config = withDefaults(config);
    return this.config;
  }

  clear(): FaultConfig {
    return this.configure({});
  }

  /** Decides the fate of one /v3 call; consumes one failNext (or, for a change, loseNextChanges) if any are left. */
  decide(changesState = false): FaultDecision {
    if (this.#config.failNext > 0) {
      this.#config.failNext -= 1;
      return 'fail';
    }
    if (changesState && this.#config.loseNextChanges > 0) {
      this.#config.loseNextChanges -= 1;
      return 'lost';
    }
    if (this.#config.timeoutRate > 0 && this.#random() < this.#config.timeoutRate) return 'timeout';
    if (this.#config.errorRate > 0 && this.#random() < this.#config.errorRate) return 'fail';
    if (this.#config.lostResponseRate > 0 && this.#random() < this.#config.lostResponseRate) return 'lost';
    return 'pass';
  }

  response(endpoint: string): FaultResponse {
    const { status, retryAfterSeconds } = this.#config;
    const headers: Record<string, string> =
      retryAfterSeconds === null ? {} : { 'retry-after': String(retryAfterSeconds) };
    const body =
      status === 429
        ? fabricErrorBody(status, ErrorCodes.tooManyRequests, 'Too many requests', endpoint)
        : fabricErrorBody(status, ErrorCodes.internal, `Injected fault: HTTP ${status}`, endpoint);
    return { status, headers, body };
  }
}
