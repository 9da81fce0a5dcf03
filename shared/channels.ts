import type { ChannelBinding, Config } from './config.js';

/**
 * Which configured binding (and so which fabric tenant) serves a RetailOPS client and channel. In single-channel
 * mode there is one binding for every client and channel id; with CHANNELS_FILE each pair has its own.
 */
export function bindingByKey(config: Config, key: string): ChannelBinding | undefined {
  return config.channels.find((binding) => binding.key === key);
}

export function bindingsForToken(config: Config, matches: (candidate: string) => boolean): ChannelBinding[] {
  // Every token of every binding is compared, so timing does not tell which binding (or none) matched.
  const found: ChannelBinding[] = [];
  for (const binding of config.channels) {
    let hit = false;
    for (const token of binding.tokens) hit = matches(token) || hit;
    if (hit) found.push(binding);
  }
  return found;
}
