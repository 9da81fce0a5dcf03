import type { ChannelBinding } from './config.js';
import { tokenDigest, tokensEqual } from './tokens.js';

/**
 * Where the channel bindings come from: the Config read at start (a fixed set), or the ChannelRegistry
 * (shared/channel-registry.ts), whose set a reload of CHANNELS_FILE replaces. Read `channels` at each use, never keep it.
 */
export interface ChannelSource {
  readonly channels: readonly ChannelBinding[];
}

/**
 * Which configured binding (and so which fabric tenant) serves a RetailOPS client and channel. In single-channel
 * mode there is one binding for every client and channel id; with CHANNELS_FILE each pair has its own.
 */
export function bindingByKey(source: ChannelSource, key: string): ChannelBinding | undefined {
  return source.channels.find((binding) => binding.key === key);
}

/** The bindings that hold `token` at `now`: one of their tokens, or a previous token still within its window. */
export function bindingsForToken(source: ChannelSource, token: string, now: number = Date.now()): ChannelBinding[] {
  // Every token of every binding is compared, expired previous ones too, so timing does not tell which binding (or
  // none) matched, nor whether a rotated token has run out.
  const presented = tokenDigest(token);
  const found: ChannelBinding[] = [];
  for (const binding of source.channels) {
    let hit = false;
    for (const expected of binding.tokens) hit = tokensEqual(presented, expected) || hit;
    for (const previous of binding.previousTokens) hit = (tokensEqual(presented, previous.token) && now < previous.validUntilMs) || hit;
    if (hit) found.push(binding);
  }
  return found;
}

/**
 * A job names a binding this process does not serve: removed from CHANNELS_FILE, or added there and this process not
 * reloaded yet. The job is retried (another process, or this one after its reload, may serve it) and then left in the
 * failed set with this message, to be retried by an operator once the binding is back.
 */
export class BindingNotConfiguredError extends Error {
  override readonly name = 'BindingNotConfiguredError';
  constructor(readonly bindingKey: string) {
    super(`no channel binding "${bindingKey}" is configured (removed from CHANNELS_FILE, or added there and this process not reloaded yet)`);
  }
}
