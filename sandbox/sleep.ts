// Delays used by fault injection (latency, simulated timeouts). Every pending delay can be cut
// short, so closing the server never waits 30 s for a simulated timeout to finish.

export class Sleeper {
  readonly #wakers = new Set<() => void>();

  /** Resolves after `ms`, or earlier on wakeAll() or when `cancel` fires; never rejects. */
  sleep(ms: number, cancel?: AbortSignal): Promise<void> {
    if (ms <= 0 || cancel?.aborted === true) return Promise.resolve();
    return new Promise((resolve) => {
      const wake = (): void => {
        clearTimeout(timer);
        this.#wakers.delete(wake);
        cancel?.removeEventListener('abort', wake);
        resolve();
      };
      const timer = setTimeout(wake, ms);
      this.#wakers.add(wake);
      cancel?.addEventListener('abort', wake, { once: true });
    });
  }

  wakeAll(): void {
    for (const wake of [...this.#wakers]) wake();
  }
}
