// The order sync of every channel binding in force: one BullMQ job scheduler per binding on the order queue, kept in
// step with the bindings at start and after every reload of CHANNELS_FILE.
import { Queue } from 'bullmq';
import type { Logger } from 'pino';
import type { ChannelRegistry } from '../shared/channel-registry.js';
import type { ChannelBinding, Config } from '../shared/config.js';
import { queueOf, syncJob } from '../shared/jobs/contract.js';
import type { RedisClient } from '../shared/redis.js';
import { activeTracing } from '../shared/telemetry/tracing.js';

/**
 * Schedules every binding's order sync now, and again after each reload; returns what stops following reloads
 * (awaiting the one under way, so that nothing uses Redis after the caller closes it).
 */
export async function scheduleOrderSync(config: Config, channels: ChannelRegistry, redis: RedisClient, logger: Logger): Promise<() => Promise<void>> {
  await reconcileOrderSync(config, channels.channels, redis, logger);
  // One at a time, in the order of the reloads: two quick SIGHUPs must not interleave their upserts and removals.
  let pending = Promise.resolve();
  const stop = channels.onChange(() => {
    pending = pending
      .then(() => reconcileOrderSync(config, channels.channels, redis, logger))
      .catch((error: unknown) => logger.error({ err: error }, 'order sync not rescheduled after the reload: send SIGHUP again'));
  });
  return async () => {
    stop();
    await pending;
  };
}

/**
 * One scheduler per binding (upserted: a restart or a new ORDER_SYNC_INTERVAL_MS updates it, a scheduler whose next job
 * was lost is revived), and none for a binding that is no longer configured, whether a reload removed it or it was
 * removed while the service was down.
 */
export async function reconcileOrderSync(config: Config, bindings: readonly ChannelBinding[], redis: RedisClient, logger: Logger): Promise<void> {
  const name = queueOf('order.sync');
  const queue = new Queue(name, { connection: redis, prefix: config.queuePrefix, telemetry: activeTracing()?.bullmq });
  // Without a listener BullMQ writes each connection error to the console, outside the JSON log.
  queue.on('error', (error) => logger.debug({ err: error, queue: name }, 'order sync scheduler error'));
  try {
    const wanted = new Set<string>();
    for (const binding of bindings) {
      // No webhook asked for it: the binding's own ids, and a request id that says where the job came from.
      const { key, data, options } = syncJob({
        clientId: binding.clientId ?? 'default',
        channelId: binding.channelId ?? 'default',
        bindingKey: binding.key,
        requestId: `schedule-${binding.key}`,
        receivedAt: new Date().toISOString(),
        sourceAction: null,
      });
      wanted.add(key);
      // omitContext: each run is a trace of its own. Otherwise every run, for ever, would be a child of this upsert.
      const opts = { ...options, telemetry: { omitContext: true } };
      await queue.upsertJobScheduler(key, { every: config.orderSync.intervalMs }, { name: data.kind, data, opts });
    }
    const stale = (await queue.getJobSchedulers()).filter((scheduler) => scheduler.name === 'order.sync' && !wanted.has(scheduler.key));
    for (const scheduler of stale) await queue.removeJobScheduler(scheduler.key);
    logger.info(
      { everyMs: config.orderSync.intervalMs, bindings: bindings.length, unscheduled: stale.map((scheduler) => scheduler.key) },
      'order sync scheduled',
    );
  } finally {
    await queue.close();
  }
}
