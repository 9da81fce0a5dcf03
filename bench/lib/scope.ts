// Cleanup that runs even when a benchmark fails: every resource a benchmark starts registers its stop with the
// benchmark's Scope, and the Scope stops them in reverse order. The runner closes the active scopes on SIGINT/SIGTERM.
const open = new Set<Scope>();

export class Scope {
  readonly #stops: { what: string; stop: () => Promise<void> | void }[] = [];
  #closed = false;

  constructor(readonly name: string) {
    open.add(this);
  }

  /** Registers `stop` and returns `value`, so a start and its cleanup read as one line. */
  defer<T>(what: string, value: T, stop: (value: T) => Promise<void> | void): T {
    if (this.#closed) throw new Error(`scope ${this.name} is closed; cannot add ${what}`);
    this.#stops.push({ what, stop: () => stop(value) });
    return value;
  }

  /** Runs one cleanup early (a child stopped between phases) and forgets it. */
  async release(what: string): Promise<void> {
    const index = this.#stops.findLastIndex((entry) => entry.what === what);
    if (index < 0) return;
    const [entry] = this.#stops.splice(index, 1);
    await entry?.stop();
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    open.delete(this);
    const errors: unknown[] = [];
    for (const entry of this.#stops.reverse()) {
      try {
        await entry.stop();
      } catch (error) {
        errors.push(new Error(`cleanup of ${entry.what} failed: ${(error as Error).message}`));
      }
    }
    this.#stops.length = 0;
    if (errors.length > 0) throw new AggregateError(errors, `scope ${this.name}: cleanup failed`);
  }
}

/** Runs `body` inside a new scope and always closes it. */
export async function withScope<T>(name: string, body: (scope: Scope) => Promise<T>): Promise<T> {
  const scope = new Scope(name);
  try {
    return await body(scope);
  } finally {
    await scope.close();
  }
}

export async function closeAllScopes(): Promise<void> {
  for (const scope of [...open].reverse()) await scope.close().catch(() => undefined);
}
