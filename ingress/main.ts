import closeWithGrace from 'close-with-grace';
import type { Logger } from 'pino';
import { explainListenError, fallbackLogger, logStartupFailure } from '../shared/startup.js';
import { loadConfig } from '../shared/config.js';
import { startTracing, stopTracing } from '../shared/telemetry/tracing.js';
import { ChannelRegistry } from '../shared/channel-registry.js';
import { reloadChannelsOnSignal } from '../shared/channel-reload.js';
import { createIngressLogger } from './logger.js';
import { startIngress } from './server.js';

let logger: Logger = fallbackLogger('ingress');

async function main(): Promise<void> {
  const config = loadConfig();
  // Before the logger and the connections: they take their tracing hooks from it (nothing is loaded when it is off).
  await startTracing(config, 'retailops-bridge-ingress');
  logger = createIngressLogger(config.logLevel);
  // The origin only: a URL's user and password must not reach the log.
  if (config.tracing) logger.info({ otlp: new URL(config.tracing.endpoint).origin }, 'tracing on: spans exported over OTLP');
  // SIGHUP reloads CHANNELS_FILE (from the next request on) rather than stopping: installed before the start, so that
  // one sent meanwhile does not kill the process.
  const channels = ChannelRegistry.fromConfig(config);
  reloadChannelsOnSignal(channels, logger);
  const ingress = await startIngress(config, logger, undefined, channels).catch((error: unknown) => {
    throw explainListenError(error, 'PORT', config.port);
  });
  logger.info({ url: ingress.url }, 'ingress listening');
  closeWithGrace({ delay: config.shutdownTimeoutMs, logger, skip: ['SIGHUP'] }, async ({ err, signal }) => {
    if (err) logger.error({ err }, 'shutting down after an error');
    else logger.info({ signal }, 'shutting down');
    await ingress.close();
    // Last: the spans of the requests that were still running go out before the exit.
    await stopTracing();
  });
}

main().catch((error: unknown) => {
  // One JSON line naming what to change (REDIS_URL, PORT, …), then exit: nothing is left running.
  logStartupFailure(logger, error);
  process.exit(1);
});
