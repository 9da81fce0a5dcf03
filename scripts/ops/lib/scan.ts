import { Cluster, type Redis } from 'ioredis';
import type { RedisClient } from '../../../shared/redis.js';

/** A literal for a Redis glob pattern: QUEUE_PREFIX may hold glob characters (`[`, `*`, `?`, `\`). */
export function globEscape(literal: string): string {
  return literal.replace(/[\\*?[\]]/g, (char) => `\\${char}`);
}

/**
 * Every key matching `pattern`, with SCAN (never KEYS: it blocks a production Redis). On a cluster SCAN is per node:
 * every master is scanned (the hash-tagged prefix puts all of the bridge's keys on one of them).
 */
export async function scanKeys(redis: RedisClient, pattern: string): Promise<string[]> {
  const nodes: Redis[] = redis instanceof Cluster ? redis.nodes('master') : [redis];
  const keys = new Set<string>();
  for (const node of nodes) {
    let cursor = '0';
    do {
      const [next, batch] = await node.scan(cursor, 'MATCH', pattern, 'COUNT', 500);
      for (const key of batch) keys.add(key);
      cursor = next;
    } while (cursor !== '0');
  }
  return [...keys].sort();
}

/**
 * The URI-encoded parts between `head` and `tail` of a key, decoded; null when the key does not have that shape.
 * The bridge's keys encode each id (shared/keys.ts), so ':' only ever separates parts.
 */
export function keyParts(key: string, head: string, tail: string, count: number): string[] | null {
  if (!key.startsWith(head) || !key.endsWith(tail) || key.length < head.length + tail.length) return null;
  const parts = key.slice(head.length, key.length - tail.length).split(':');
  if (parts.length !== count) return null;
  try {
    return parts.map((part) => decodeURIComponent(part));
  } catch {
    return null; // not produced by shared/keys.ts
  }
}
