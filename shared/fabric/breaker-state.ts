/**
 * The circuit's state machine, as one set of operations that both homes of the state implement the same way: Redis
 * (breaker-store.ts, a Lua script, shared by every process) and this process's memory (LocalCircuit, below: a
 * process with no Redis at hand falls back to it). Keeping the two to the same operations and the same answer lets
 * the breaker (circuit-breaker.ts) switch between them without a second set of rules.
 */
export type CircuitState = 'closed' | 'open' | 'half-open';

export interface BreakerRules {
  /** Consecutive transient failures that open the circuit (FABRIC_BREAKER_THRESHOLD). */
  readonly threshold: number;
  /** How long it stays open before one probe (FABRIC_BREAKER_COOLDOWN_MS). */
  readonly cooldownMs: number;
  /** How long a probe may be out before another caller may send one: its owner may have died with it. */
  readonly probeLeaseMs: number;
}

/**
 * - `read`: the state, nothing changed.
 * - `acquire`: asked by a call while the circuit is not closed: after the cooldown the circuit turns half-open and the
 *   caller becomes the one probe (`owner`), unless a probe is out and its lease runs.
 * - `failure`: a transient failure. Counted while closed (opens at the threshold); while half-open, only the probe's
 *   own failure counts (it opens the circuit again); while open, nothing: calls sent before it opened.
 * - `success`: fabric answered; closes the circuit, whoever sent the call, and clears the count.
 * - `release`: the probe ended without an answer from fabric (an error of the bridge itself): the next caller probes.
 */
export type BreakerOp = 'read' | 'acquire' | 'failure' | 'success' | 'release';

/** The answer to every operation: the state it found, the state it left, and what the caller needs of it. */
export interface BreakerReply {
  readonly from: CircuitState;
  readonly state: CircuitState;
  readonly failures: number;
  /** open: the cooldown left; half-open: the lease left of the probe out (0: none out); closed: 0. */
  readonly msLeft: number;
  /** This caller holds the probe (acquire only). */
  readonly owner: boolean;
}

/** The process-local circuit: the breaker's rules held in memory, for a process that cannot reach Redis. */
export class LocalCircuit {
  readonly #rules: BreakerRules;
  #state: CircuitState = 'closed';
  #failures = 0;
  #openedAt = 0;
  /** The probe's owner ('' when none is out) and when its lease ends. */
  #probe = '';
  #probeUntil = 0;

  constructor(rules: BreakerRules) {
    this.#rules = rules;
  }

  /** `token` names the caller's probe, if it holds or may take one ('' otherwise). */
  apply(op: BreakerOp, token: string, now: number): BreakerReply {
    const from = this.#state;
    let owner = false;
    const isProbe = token !== '' && this.#probe === token;
    if (op === 'acquire') {
      if (this.#state === 'open' && now - this.#openedAt >= this.#rules.cooldownMs) this.#state = 'half-open';
      if (this.#state === 'half-open' && (this.#probe === '' || now >= this.#probeUntil)) {
        this.#probe = token;
        this.#probeUntil = now + this.#rules.probeLeaseMs;
        owner = true;
      }
    } else if (op === 'failure') {
      if (this.#state === 'closed' || (this.#state === 'half-open' && isProbe)) {
        this.#failures += 1;
        if (this.#state === 'half-open' || this.#failures >= this.#rules.threshold) this.#open(now);
      }
    } else if (op === 'success') {
      this.#state = 'closed';
      this.#failures = 0;
      this.#probe = '';
    } else if (op === 'release') {
      if (this.#state === 'half-open' && isProbe) this.#probe = '';
    }
    return { from, state: this.#state, failures: this.#failures, msLeft: this.#msLeft(now), owner };
  }

  /** Takes over what the process last knew of the shared circuit, when Redis goes out of reach. */
  seed(state: CircuitState, failures: number, msLeft: number, now: number): void {
    this.#state = state;
    this.#failures = failures;
    this.#openedAt = state === 'open' ? now - (this.#rules.cooldownMs - msLeft) : 0;
    // A probe out elsewhere is no longer this process's concern: its own next caller probes.
    this.#probe = '';
    this.#probeUntil = 0;
  }

  #open(now: number): void {
    this.#state = 'open';
    this.#openedAt = now;
    this.#probe = '';
  }

  #msLeft(now: number): number {
    if (this.#state === 'open') return Math.max(0, this.#openedAt + this.#rules.cooldownMs - now);
    if (this.#state === 'half-open' && this.#probe !== '') return Math.max(0, this.#probeUntil - now);
    return 0;
  }
}
