import closeWithGrace from 'close-with-grace';
import { loadConfig } from '../shared/config.js';
import { createLogger } from '../shared/logger.js';
import { startHealthServer } from './health-server.js';
import { startWorkers } from './server.js';

async function main(): Promise<void> {
  const config = loadConfig();
  const logger = createLogger(config.logLevel, 'worker');
  const running = await startWorkers(config, logger);
  const health = config.metricsPort === null ? null : await startHealthServer(running, config.host, config.metricsPort, logger);
  if (health) logger.info({ port: config.metricsPort }, 'worker metrics and health on /metrics, /healthz, /readyz');
  // The workers bound their own shutdown (SHUTDOWN_TIMEOUT_MS); close-with-grace's delay is only a last resort.
  closeWithGrace({ delay: config.shutdownTimeoutMs + 5000, logger }, async ({ err, signal }) => {
    if (err) logger.error({ err }, 'shutting down after an error');
    else logger.info({ signal }, 'shutting down: finishing active jobs');
    health?.close();
    await running.close();
  });
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
