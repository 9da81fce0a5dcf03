import { createRequire } from 'node:module';
import { pino, type Logger } from 'pino';
import { ConfigError, loadConfig, withOverrides, type Config } from '../shared/config.js';
import { buildLoggerOptions } from '../shared/logger.js';
import { createMetrics } from '../shared/metrics.js';
import { startIngress } from '../ingress/server.js';
import { startWorkers } from '../workers/server.js';
import { startSandbox } from '../sandbox/server.js';
import { RedisServerMissingError, startRedisServer } from './redis-server.js';

/**
 * `npm start`: the whole stack on embedded defaults. Redis from REDIS_URL or a redis-server child (data in
 * .data/redis), fabric from FABRIC_* or the local sandbox, then workers and the ingress in this process.
 * Ctrl-C stops everything in reverse order.
 */
function createStartLogger(level: string): Logger {
  const options = buildLoggerOptions(level, 'retailops-bridge');
  const canPretty = process.stdout.isTTY === true && hasPretty();
  return canPretty ? pino({ ...options, transport: { target: 'pino-pretty', options: { translateTime: 'SYS:HH:MM:ss' } } }) : pino(options);
}

function hasPretty(): boolean {
  try {
    createRequire(import.meta.url).resolve('pino-pretty');
    return true;
  } catch {
    return false;
  }
}

async function main(): Promise<void> {
  let config: Config = loadConfig();
  const logger = createStartLogger(config.logLevel);
  const stops: (() => Promise<void>)[] = [];

  if (!config.redisUrl) {
    const redis = await startRedisServer({ port: config.embeddedRedis.port, dataDir: config.embeddedRedis.dataDir });
    stops.unshift(redis.stop);
    config = withOverrides(config, { redisUrl: redis.url });
    logger.info({ url: redis.url, dataDir: config.embeddedRedis.dataDir }, 'embedded redis-server started');
  }
  if (config.useSandbox) {
    const sandbox = await startSandbox({ host: '127.0.0.1', port: config.sandboxPort });
    stops.unshift(sandbox.close);
    logger.info({ url: sandbox.url }, 'fabric sandbox started (no FABRIC_BASE_URL configured)');
  }
  // One process, one metrics registry: the ingress's /metrics shows the workers' figures too.
  const metrics = createMetrics();
  const workers = await startWorkers(config, logger.child({ component: 'worker' }), metrics);
  stops.unshift(() => workers.close());
  const ingress = await startIngress(config, logger.child({ component: 'ingress' }), metrics);
  stops.unshift(ingress.close);

  const token = config.channels[0]?.tokens[0] ?? '<token>';
  process.stdout.write(
    [
      '',
      `retailops-bridge is running: ingress ${ingress.url}`,
      config.useSandbox ? `fabric sandbox http://127.0.0.1:${config.sandboxPort} (ledger: /_sandbox/calls)` : '',
      'Try:',
      `  curl -s -X POST ${ingress.url}/order_cancel -H 'Authorization: Bearer ${config.useSandbox ? token : '<token>'}' \\`,
      `    -H 'Content-Type: application/json' -d '{"version":1,"action":"order_cancel","data":{"order":{"channel_refnum":496},"channel":{"id":21}}}'`,
      '',
    ]
      .filter((line) => line !== '')
      .join('\n') + '\n\n',
  );

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'stopping');
    // Bounded: workers get SHUTDOWN_TIMEOUT_MS to finish active jobs (stalled ones are retried after a restart).
    setTimeout(() => {
      logger.error({ timeoutMs: config.shutdownTimeoutMs }, 'shutdown took too long, exiting');
      process.exit(1);
    }, config.shutdownTimeoutMs).unref();
    for (const close of stops) {
      try {
        await close();
      } catch (error) {
        logger.error({ err: error }, 'error while stopping');
      }
    }
    process.exit(0);
  };
  process.once('SIGINT', () => void stop('SIGINT'));
  process.once('SIGTERM', () => void stop('SIGTERM'));
}

main().catch((error: unknown) => {
  if (error instanceof ConfigError || error instanceof RedisServerMissingError) console.error(error.message);
  else console.error(error);
  process.exit(1);
});
