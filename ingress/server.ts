import { EventStore } from '../shared/events/store.js';
import { InboxStore } from '../shared/inbox/store.js';
import { JobQueues } from '../shared/jobs/producer.js';
import { closeRedis, openServiceRedis } from '../shared/redis.js';
import { createMetrics, type Metrics } from '../shared/metrics.js';
import { FabricClients } from '../shared/fabric/clients.js';
import type { ChannelSource } from '../shared/channels.js';
import { buildIngressApp } from './app.js';
import type { Config } from '../shared/config.js';
import type { Logger } from 'pino';

export interface RunningIngress {
  readonly url: string;
  close(): Promise<void>;
}

/**
 * Creates the connections, builds the app, listens; `close` undoes it in reverse order. `channels` is where the
 * bindings are read at each request: the process's ChannelRegistry, so that a reload applies (default: those at start).
 */
export async function startIngress(
  config: Config,
  logger: Logger,
  metrics: Metrics = createMetrics(),
  channels: ChannelSource = config,
): Promise<RunningIngress> {
  // BullMQ checks the server version when a Queue is made; without an offline queue that needs a ready connection.
  // A Redis that never answers is a configuration mistake at start: fail with one line rather than wait for ever.
  const redis = await openServiceRedis(config.redisUrl, 'producer', logger, 'ingress', config.redisCluster);
  const queues = new JobQueues(redis, config, logger);
  const events = new EventStore(redis, { prefix: config.queuePrefix, ...config.events }, logger, metrics);
  const inbox = new InboxStore(redis, config.queuePrefix);
  // The workers' per-binding fabric clients (token, breaker, the shared call budget), for re-fetches only.
  const fabricClients = new FabricClients(config, logger, redis, metrics, channels);
  const fabric = (bindingKey: string) => fabricClients.for(bindingKey);
  const app = buildIngressApp({ config, channels, redis, queues, events, inbox, metrics, fabric }, logger);
  let url: string;
  try {
    url = await app.listen({ host: config.host, port: config.port });
  } catch (error) {
    // A busy PORT: release what was opened, so that the caller can exit (or stop the rest) cleanly.
    await app.close().catch(() => undefined);
    await queues.close().catch(() => undefined);
    await fabricClients.close(true).catch(() => undefined);
    await closeRedis(redis);
    throw error;
  }
  return {
    url,
    close: async () => {
      await app.close();
      await queues.close();
      await fabricClients.close();
      await closeRedis(redis);
    },
  };
}
