import { hash, timingSafeEqual } from 'node:crypto';

/** Constant-time comparison of secrets: RetailOPS tokens (shared/channels.ts) and ADMIN_TOKEN. */

export function tokenDigest(value: string): Buffer {
  // One-shot hash: several times cheaper than createHash for a short input, and this runs on every request.
  return hash('sha256', value, 'buffer');
}

/** The configured tokens' digests, computed once: they are a small fixed set, and hashing them was per request. */
const configuredDigests = new Map<string, Buffer>();

function configuredDigest(token: string): Buffer {
  let cached = configuredDigests.get(token);
  if (!cached) {
    cached = tokenDigest(token);
    configuredDigests.set(token, cached);
  }
  return cached;
}

/**
 * Constant-time equality: both sides hashed to equal length first, so neither length nor content leaks by timing.
 * `presented` may be given as its digest already, so a request hashes its token once however many are configured.
 */
export function tokensEqual(presented: string | Buffer, expected: string): boolean {
  return timingSafeEqual(typeof presented === 'string' ? tokenDigest(presented) : presented, configuredDigest(expected));
}
