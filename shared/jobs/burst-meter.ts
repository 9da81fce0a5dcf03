// Which channel bindings are sending a burst right now. BullMQ's open-source queues are FIFO (groups are BullMQ Pro),
// so one tenant's 5,000-order backfill would sit in front of every other tenant's cancels. A binding whose jobs
// enqueued in the current window would make more than TENANT_BURST_CALLS fabric calls is in a burst: its further jobs
// go to BullMQ's prioritized set instead of the wait list, and BullMQ takes a job from the prioritized set only when
// the wait list is empty. Everyone else's jobs then pass the burst, which is still served whenever nothing else
// waits, first come first served (one priority for all of it: BullMQ keeps equal priorities in insertion order).
// Counted per ingress process, in memory: no Redis round trip on the webhook path; with N ingress replicas a binding
// may send up to N times the limit before its jobs are deferred.

/** The BullMQ priority of a job sent during its binding's burst (1 is BullMQ's first priority; all are equal). */
export const BURST_PRIORITY = 1;

interface Window {
  startedAt: number;
  calls: number;
}

export class BurstMeter {
  readonly #limit: number;
  readonly #windowMs: number;
  readonly #now: () => number;
  readonly #windows = new Map<string, Window>();

  /** `limit` 0: never a burst (every job to the wait list). */
  constructor(limit: number, windowMs: number, now: () => number = Date.now) {
    this.#limit = limit;
    this.#windowMs = windowMs;
    this.#now = now;
  }

  /** Counts a job of `calls` expected fabric calls for the binding; whether the binding is now in a burst. */
  record(bindingKey: string, calls: number): boolean {
    if (this.#limit <= 0) return false;
    const now = this.#now();
    let window = this.#windows.get(bindingKey);
    if (!window || now - window.startedAt >= this.#windowMs) {
      window = { startedAt: now, calls: 0 };
      this.#windows.set(bindingKey, window);
    }
    window.calls += calls;
    return window.calls > this.#limit;
  }
}
