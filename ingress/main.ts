import closeWithGrace from 'close-with-grace';
import type { Logger } from 'pino';
import { explainListenError, fallbackLogger, logStartupFailure } from '../shared/startup.js';
import { loadConfig } from '../shared/config.js';
import { ChannelRegistry } from '../shared/channel-registry.js';
import { reloadChannelsOnSignal } from '../shared/channel-reload.js';
import { createIngressLogger } from './logger.js';
import { startIngress } from './server.js';

let logger: Logger = fallbackLogger('ingress');

async function main(): Promise<void> {
  const config = loadConfig();
  logger = createIngressLogger(config.logLevel);
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
  });
}

main().catch((error: unknown) => {
  // One JSON line naming what to change (REDIS_URL, PORT, …), then exit: nothing is left running.
  logStartupFailure(logger, error);
  process.exit(1);
});
