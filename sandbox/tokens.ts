// Access tokens issued by the sandbox's OAuth endpoint. Kept apart from order state so a reset
// does not log the bridge out (a real fabric reset would not either).
import { newAccessToken } from './ids.js';

export type TokenCheck = 'valid' | 'expired' | 'unknown';

export class TokenStore {
  readonly #expiresAt = new Map<string, number>();
  readonly #now: () => number;

  constructor(readonly ttlSeconds: number, now: () => number) {
    this.#now = now;
  }

  issue(): string {
    this.#dropExpired();
    const token = newAccessToken();
    this.#expiresAt.set(token, this.#now() + this.ttlSeconds * 1000);
    return token;
  }

  check(token: string): TokenCheck {
    const expiresAt = this.#expiresAt.get(token);
    if (expiresAt === undefined) return 'unknown';
    return expiresAt > this.#now() ? 'valid' : 'expired';
  }

  /** Issuing is the only growth point, so pruning there keeps the map bounded. */
  #dropExpired(): void {
    const now = this.#now();
    for (const [token, expiresAt] of this.#expiresAt) {
      if (expiresAt <= now) this.#expiresAt.delete(token);
    }
  }
}
