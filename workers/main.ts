import closeWithGrace from 'close-with-grace';
import { explainListenError, fallbackLogger, logStartupFailure } from '../shared/startup.js';
import { loadConfig } from '../shared/config.js';
import { startTracing, stopTracing } from '../shared/telemetry/tracing.js';
import { ChannelRegistry } from '../shared/channel-registry.js';
import { reloadChannelsOnSignal } from '../shared/channel-reload.js';
import { createLogger, type Logger } from '../shared/logger.js';
import { startHealthServer } from './health-server.js';
import { startWorkers } from './start-workers.js';

let logger: Logger = fallbackLogger('worker');

async function main(): Promise<void> {
  const config = loadConfig();
  // Before the logger and the connections: they take their tracing hooks from it (nothing is loaded when it is off).
  await startTracing(config, 'retailops-bridge-worker');
  logger = createLogger(config.logLevel, 'worker');
  // The origin only: a URL's user and password must not reach the log.
  if (config.tracing) logger.info({ otlp: new URL(config.tracing.endpoint).origin }, 'tracing on: spans exported over OTLP');
  // SIGHUP reloads CHANNELS_FILE (fabric clients and the order sync schedule follow) rather than stopping.
  const channels = ChannelRegistry.fromConfig(config);
  reloadChannelsOnSignal(channels, logger);
  const running = await startWorkers(config, logger, undefined, channels);
  let health: Awaited<ReturnType<typeof startHealthServer>> | null = null;
  try {
    health = config.metricsPort === null ? null : await startHealthServer(running, config.host, config.metricsPort, logger);
  } catch (error) {
    await running.close();
    throw explainListenError(error, 'METRICS_PORT', config.metricsPort ?? 0);
  }
  if (health) logger.info({ port: config.metricsPort }, 'worker metrics and health on /metrics, /healthz, /readyz');
  // The workers bound their own shutdown (SHUTDOWN_TIMEOUT_MS); close-with-grace's delay is only a last resort.
  closeWithGrace({ delay: config.shutdownTimeoutMs + 5000, logger, skip: ['SIGHUP'] }, async ({ err, signal }) => {
    if (err) logger.error({ err }, 'shutting down after an error');
    else logger.info({ signal }, 'shutting down: finishing active jobs');
    health?.close();
    await running.close();
    // Last: the spans of the jobs that were finishing go out before the exit.
    await stopTracing();
  });
}

main().catch((error: unknown) => {
  // One JSON line naming what to change (REDIS_URL, METRICS_PORT, …), then exit: nothing is left running.
  logStartupFailure(logger, error);
  process.exit(1);
});
