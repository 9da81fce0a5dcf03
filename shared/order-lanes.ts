// Per-order FIFO across every queue and worker process. BullMQ's open-source edition has no per-key ordering, so
// each order has a lane: a Redis list of `<queue>/<jobId>` in the order the ingress accepted the actions. A job
// runs only when it is at the head of its order's lane; otherwise the worker moves it back to delayed and looks
// again shortly. A job leaves the lane when it completes or fails for good, and a head whose job is finished or gone
// (removed by an operator, or a leave lost in a crash) is dropped by the next job that looks, so a lane never sticks.
// Orders have separate lanes and never wait on each other. Inventory pushes use the same mechanism with lanes of their
// own (family `inventory`), one per digest of sku and location (shared/inventory/split-push.ts).
import type { RedisClient } from './redis.js';
import { inventoryLaneKey, laneKey } from './keys.js';
import type { QueueName } from './jobs/contract.js';

/** One lane: an order's (its refnum), or an inventory lane (its number) of one channel binding. */
export interface Lane {
  readonly family: 'order' | 'inventory';
  readonly bindingKey: string;
  readonly id: string;
}

export interface LaneEntry {
  readonly queue: QueueName;
  readonly jobId: string;
}

/** What a lane needs to know of a job: whether it can still run. */
export type JobLiveness = (entry: LaneEntry) => Promise<boolean>;

export function laneEntry(entry: LaneEntry): string {
  return `${entry.queue}/${entry.jobId}`;
}

function parseEntry(value: string): LaneEntry | null {
  const slash = value.indexOf('/');
  if (slash <= 0) return null;
  return { queue: value.slice(0, slash) as QueueName, jobId: value.slice(slash + 1) };
}

export class OrderLanes {
  readonly #redis: RedisClient;
  readonly #prefix: string;

  constructor(redis: RedisClient, prefix: string) {
    this.#redis = redis;
    this.#prefix = prefix;
  }

  #key(lane: Lane): string {
    return lane.family === 'order' ? laneKey(this.#prefix, lane.bindingKey, lane.id) : inventoryLaneKey(this.#prefix, lane.bindingKey, lane.id);
  }

  /** Appends the job to its lane. A redelivered webhook appends its (same) job again: harmless. */
  async join(lane: Lane, entry: LaneEntry): Promise<void> {
    await this.#redis.rpush(this.#key(lane), laneEntry(entry));
  }

  /** Appends several jobs to their lanes in one round trip (an inventory push's parts), in the order given. */
  async joinAll(entries: readonly (readonly [Lane, LaneEntry])[]): Promise<void> {
    const batch = this.#redis.pipeline();
    for (const [lane, entry] of entries) batch.rpush(this.#key(lane), laneEntry(entry));
    const results = await batch.exec();
    const failure = results?.find(([error]) => error !== null)?.[0];
    if (failure) throw failure;
  }

  /**
   * Whether the job may run now. Finished or vanished heads are dropped on the way. A job missing from its lane
   * (the ingress stopped between the enqueue and the join) joins it at the tail.
   */
  async isTurn(lane: Lane, entry: LaneEntry, isLive: JobLiveness): Promise<boolean> {
    const key = this.#key(lane);
    const mine = laneEntry(entry);
    for (let guard = 0; guard < 100; guard += 1) {
      const head = await this.#redis.lindex(key, 0);
      if (head === mine) return true;
      if (head === null) {
        await this.#redis.rpush(key, mine);
        continue;
      }
      const parsed = parseEntry(head);
      if (parsed && (await isLive(parsed))) {
        if ((await this.#redis.lpos(key, mine)) === null) await this.#redis.rpush(key, mine);
        return false;
      }
      // Remove only that head (LREM count 1 from the left), so a concurrent join is never lost.
      await this.#redis.lrem(key, 1, head);
    }
    return false;
  }

  /** Takes the job out of its lane (every occurrence) once it has completed or failed for good. */
  async leave(lane: Lane, entry: LaneEntry): Promise<void> {
    await this.#redis.lrem(this.#key(lane), 0, laneEntry(entry));
  }
}
