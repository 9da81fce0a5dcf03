// The inventory benchmark's catalogue and pushes: skus that exist in the sandbox (so every write is a plain
// find-and-update that fabric takes), a push of them posted to the real ingress, and the wait for its parts.
import type { Queue } from 'bullmq';
import type { SandboxClient } from '../../sandbox/client.js';
import { sleep } from './util.js';
import { inventoryPushJson, inventoryUpdate } from './v1-requests.js';

/** Where the benchmark's mapping sets quantity_available: the counter onHand at location 1 (the sandbox default). */
export const LOCATION_NUMBER = 1;
export const INVENTORY_MAPPING_ENV = JSON.stringify({ targets: [{ locationNumber: LOCATION_NUMBER, counter: 'onHand' }], unknownSku: 'report' });

/** The seeding hook takes an array; a few thousand a request keeps each body small. */
const SEED_BATCH = 2_500;

export function benchSkus(count: number): string[] {
  return Array.from({ length: count }, (_, index) => `BENCH-${String(index).padStart(6, '0')}`);
}

/** Inventories of `skus` at the mapped location, as they already are in fabric before any push. */
export async function seedCatalogue(client: SandboxClient, skus: readonly string[]): Promise<void> {
  for (let start = 0; start < skus.length; start += SEED_BATCH) {
    await client.seedInventories(skus.slice(start, start + SEED_BATCH).map((sku) => ({ sku, locationNumber: LOCATION_NUMBER, counters: { onHand: 0 } })));
  }
}

export interface PushAnswer {
  /** Date.now() just before the request was sent and when its answer had been read (wall clock, as the ledger's). */
  readonly sentAt: number;
  readonly answeredAt: number;
  /** performance.now() span of the request, answer read. */
  readonly answerMs: number;
  readonly bodyBytes: number;
  /** Events the answer carried (a push of known skus carries none). */
  readonly events: number;
}

/** Posts one inventory_push_v1 of `skus` (quantity `quantityOf(index)` each) and reads its answer, which must be 200. */
export async function postInventoryPush(ingressUrl: string, skus: readonly string[], quantityOf: (index: number) => number): Promise<PushAnswer> {
  const body = inventoryPushJson(skus.map((sku, index) => inventoryUpdate(sku, quantityOf(index))));
  const sentAt = Date.now();
  const started = performance.now();
  const response = await fetch(`${ingressUrl}/inventory_push_v1`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
  const text = await response.text();
  const answerMs = performance.now() - started;
  const answeredAt = Date.now();
  if (response.status !== 200) throw new Error(`inventory_push_v1 answered ${response.status}: ${text.slice(0, 300)}`);
  const answer = JSON.parse(text) as { events?: unknown[] };
  return { sentAt, answeredAt, answerMs, bodyBytes: Buffer.byteLength(body), events: answer.events?.length ?? 0 };
}

/**
 * Waits until `queues` hold no job that is waiting, delayed (a part waiting for its lane) or running. A push's parts
 * are all enqueued before its 200, so once that answer is in, an empty queue means the push is done.
 */
export async function waitUntilDrained(queues: readonly Queue[], timeoutMs: number, intervalMs = 50): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    const counts = await Promise.all(queues.map((queue) => queue.getJobCounts('waiting', 'active', 'delayed', 'prioritized', 'waiting-children')));
    const open = counts.reduce((sum, byState) => sum + Object.values(byState).reduce((a, b) => a + b, 0), 0);
    if (open === 0) return;
    if (performance.now() > deadline) throw new Error(`${open} jobs still open on ${queues.map((queue) => queue.name).join(', ')} after ${timeoutMs} ms`);
    await sleep(intervalMs);
  }
}

/** Completed and failed jobs of a queue, for the result's notes. */
export async function finishedJobs(queue: Queue): Promise<{ completed: number; failed: number }> {
  const counts = await queue.getJobCounts('completed', 'failed');
  return { completed: counts['completed'] ?? 0, failed: counts['failed'] ?? 0 };
}
