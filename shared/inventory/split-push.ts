// How a push becomes jobs: its writes spread over INVENTORY_LANES lanes by sku and location, each lane's share cut
// into jobs of at most INVENTORY_JOB_SKUS writes. A sku and location always fall in the same lane, and a lane runs
// its jobs in the order the ingress accepted them (shared/order-lanes.ts), so two pushes of one sku never apply out of
// order; different lanes run side by side.
import { hash } from 'node:crypto';
import type { InventoryWrite } from './mapping.js';

export interface InventoryChunk {
  /** The lane, "0" … String(lanes - 1). */
  readonly lane: string;
  readonly writes: InventoryWrite[];
}

/** The lane of one sku at one location: stable across processes and deploys (a digest, not a JS hash). */
export function inventoryLaneOf(sku: string, locationNumber: number, lanes: number): string {
  const digest = hash('sha1', `${locationNumber}\u0000${sku}`, 'buffer');
  return String(digest.readUInt32BE(0) % lanes);
}

export function splitPush(writes: readonly InventoryWrite[], options: { readonly lanes: number; readonly jobSkus: number }): InventoryChunk[] {
  const byLane = new Map<string, InventoryWrite[]>();
  for (const write of writes) {
    const lane = inventoryLaneOf(write.sku, write.locationNumber, options.lanes);
    const list = byLane.get(lane);
    if (list) list.push(write);
    else byLane.set(lane, [write]);
  }
  const chunks: InventoryChunk[] = [];
  for (const [lane, list] of [...byLane].sort(([a], [b]) => Number(a) - Number(b))) {
    for (let start = 0; start < list.length; start += options.jobSkus) chunks.push({ lane, writes: list.slice(start, start + options.jobSkus) });
  }
  return chunks;
}
