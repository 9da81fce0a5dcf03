import closeWithGrace from 'close-with-grace';
import { loadConfig } from '../shared/config.js';
import { createIngressLogger } from './logger.js';
import { startIngress } from './server.js';

async function main(): Promise<void> {
  const config = loadConfig();
  const logger = createIngressLogger(config.logLevel);
  const ingress = await startIngress(config, logger);
  logger.info({ url: ingress.url }, 'ingress listening');
  closeWithGrace({ delay: config.shutdownTimeoutMs, logger }, async ({ err, signal }) => {
    if (err) logger.error({ err }, 'shutting down after an error');
    else logger.info({ signal }, 'shutting down');
    await ingress.close();
  });
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
