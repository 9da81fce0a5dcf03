// The live set of channel bindings. Config is read once and frozen; CHANNELS_FILE may be read again (SIGHUP,
// shared/channel-reload.ts), and everything that serves a binding (ingress auth, fabric clients, the order sync
// schedule, metrics) reads the set through this holder at each use, so a reload takes effect at the next request or job.
import { isDeepStrictEqual } from 'node:util';
import type { ChannelSource } from './channels.js';
import { ConfigError, loadChannelsFile, type ChannelBinding, type Config } from './config.js';

/** What a reload changed, by binding key (client and channel ids: no secret). */
export interface ChannelChange {
  readonly added: readonly string[];
  readonly removed: readonly string[];
  /** Kept bindings whose `tokens` changed (previousTokens alone do not count: they only extend old ones). */
  readonly tokensRotated: readonly string[];
  /** Kept bindings whose other settings changed (fabric, inventory, previousTokens): their fabric clients are made anew. */
  readonly updated: readonly string[];
  /** Bindings in force after the reload. */
  readonly bindings: number;
}

export type ChannelsReload =
  | { readonly status: 'reloaded'; readonly change: ChannelChange; readonly listenerErrors: readonly unknown[] }
  /** The file could not be read or is invalid: the bindings in force are kept. `error` quotes no token. */
  | { readonly status: 'refused'; readonly error: string }
  /** Single-channel mode: the settings come from the environment, which a running process cannot re-read. */
  | { readonly status: 'nothing-to-reload' };

export type ChannelChangeListener = (change: ChannelChange) => void;

export class ChannelRegistry implements ChannelSource {
  #bindings: readonly ChannelBinding[];
  readonly #file: string | null;
  readonly #listeners = new Set<ChannelChangeListener>();

  /** `file`: CHANNELS_FILE, read again by reload(); null in single-channel mode. */
  constructor(initial: readonly ChannelBinding[], file: string | null) {
    this.#bindings = initial;
    this.#file = file;
  }

  static fromConfig(config: Pick<Config, 'channels' | 'channelsFile'>): ChannelRegistry {
    return new ChannelRegistry(config.channels, config.channelsFile);
  }

  /** The bindings in force now. A caller reads this at each use: a reload replaces the array. */
  get channels(): readonly ChannelBinding[] {
    return this.#bindings;
  }

  get reloadable(): boolean {
    return this.#file !== null;
  }

  /**
   * Reads CHANNELS_FILE again. A valid file replaces the set at once (a binding that did not change keeps its object,
   * so its fabric client and cached fabric token stay); an invalid one changes nothing. Listeners hear every
   * successful reload, changed or not, so that one whose work failed (Redis away) gets another go at the next.
   */
  reload(): ChannelsReload {
    if (this.#file === null) return { status: 'nothing-to-reload' };
    let loaded: readonly ChannelBinding[];
    try {
      loaded = loadChannelsFile(this.#file);
    } catch (error) {
      if (error instanceof ConfigError) return { status: 'refused', error: error.message };
      throw error;
    }
    const before = new Map(this.#bindings.map((binding) => [binding.key, binding]));
    const next = loaded.map((binding) => {
      const old = before.get(binding.key);
      return old && isDeepStrictEqual(old, binding) ? old : binding;
    });
    const change = diffChannels(this.#bindings, next);
    this.#bindings = Object.freeze(next);
    const listenerErrors: unknown[] = [];
    for (const listener of this.#listeners) {
      try {
        listener(change);
      } catch (error) {
        listenerErrors.push(error);
      }
    }
    return { status: 'reloaded', change, listenerErrors };
  }

  /** Calls `listener` after each successful reload; returns the function that stops it. */
  onChange(listener: ChannelChangeListener): () => void {
    this.#listeners.add(listener);
    return () => void this.#listeners.delete(listener);
  }
}

/** What changed between two sets of bindings, by key. */
export function diffChannels(before: readonly ChannelBinding[], after: readonly ChannelBinding[]): ChannelChange {
  const old = new Map(before.map((binding) => [binding.key, binding]));
  const kept = after.filter((binding) => old.has(binding.key));
  const afterKeys = new Set(after.map((binding) => binding.key));
  const tokensRotated = kept.filter((binding) => !sameTokens(binding.tokens, old.get(binding.key)?.tokens ?? []));
  return {
    added: after.filter((binding) => !old.has(binding.key)).map((binding) => binding.key),
    removed: before.filter((binding) => !afterKeys.has(binding.key)).map((binding) => binding.key),
    tokensRotated: tokensRotated.map((binding) => binding.key),
    updated: kept
      .filter((binding) => {
        const previous = old.get(binding.key);
        return previous !== undefined && !isDeepStrictEqual({ ...previous, tokens: [] }, { ...binding, tokens: [] });
      })
      .map((binding) => binding.key),
    bindings: after.length,
  };
}

function sameTokens(a: readonly string[], b: readonly string[]): boolean {
  const set = new Set(a);
  return set.size === new Set(b).size && b.every((token) => set.has(token));
}
