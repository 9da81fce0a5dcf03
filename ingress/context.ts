import type { FabricClient } from '../shared/fabric/client.js';
import type { RedisClient } from '../shared/redis.js';
import type { Config } from '../shared/config.js';
import type { ChannelSource } from '../shared/channels.js';
import type { EventStore } from '../shared/events/store.js';
import type { InboxStore } from '../shared/inbox/store.js';
import type { JobQueues } from '../shared/jobs/producer.js';
import type { Metrics } from '../shared/metrics.js';

/** What the ingress routes depend on; built by ingress/main.ts (or a test) and handed to buildIngressApp. */
export interface IngressDeps {
  readonly config: Config;
  /** The channel bindings in force (shared/channel-registry.ts: a reload replaces them); Config holds those at start. */
  readonly channels: ChannelSource;
  /** The producer connection: its status tells whether an enqueue can succeed right now. */
  readonly redis: RedisClient;
  readonly queues: JobQueues;
  readonly events: EventStore;
  readonly inbox: InboxStore;
  readonly metrics: Metrics;
  /**
   * fabric, for re-fetches answered from fabric's current order (ingress/current-orders.ts). Optional: without it
   * (an app built for a test that needs no fabric) re-fetches answer the inbox's copy.
   */
  readonly fabric?: (bindingKey: string) => FabricClient;
}
