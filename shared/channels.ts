import type { ChannelBinding, Config } from './config.js';
import { tokenDigest, tokensEqual } from './tokens.js';

/**
 * Which configured binding (and so which fabric tenant) serves a RetailOPS client and channel. In single-channel
 * mode there is one binding for every client and channel id; with CHANNELS_FILE each pair has its own.
 */
export function bindingByKey(config: Config, key: string): ChannelBinding | undefined {
  return config.channels.find((binding) => binding.key === key);
}

/** The bindings that hold `token`. */
export function bindingsForToken(config: Config, token: string): ChannelBinding[] {
  // Every token of every binding is compared, so timing does not tell which binding (or none) matched.
  const presented = tokenDigest(token);
  const found: ChannelBinding[] = [];
  for (const binding of config.channels) {
    let hit = false;
    for (const expected of binding.tokens) hit = tokensEqual(presented, expected) || hit;
    if (hit) found.push(binding);
  }
  return found;
}
