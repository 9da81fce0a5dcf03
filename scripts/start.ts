// `npm start`: the whole stack on embedded defaults. Redis from REDIS_URL or a redis-server child (data in
// .data/redis), fabric from FABRIC_* or the local sandbox, then workers and the ingress in this process.
// SIGINT, SIGTERM, or the death of the process that started it (npm's shell) stop everything in reverse order; a
// failed start stops what it had started and says in one line which variable to change. SIGHUP reloads CHANNELS_FILE,
// as it does in `npm run ingress` and `npm run worker`: a closed terminal still stops everything, since the shell it
// kills is this process's parent.
import { createRequire } from 'node:module';
import { pino, type Logger } from 'pino';
import { loadConfig, SANDBOX_TEST_TOKEN, withOverrides, type Config } from '../shared/config.js';
import { ChannelRegistry } from '../shared/channel-registry.js';
import { reloadChannelsOnSignal } from '../shared/channel-reload.js';
import { buildLoggerOptions } from '../shared/logger.js';
import { startTracing, stopTracing } from '../shared/telemetry/tracing.js';
import { createMetrics } from '../shared/metrics.js';
import { redisUrlForLog } from '../shared/redis.js';
import { explainListenError, fallbackLogger, logStartupFailure, portInUse, StartupError } from '../shared/startup.js';
import { startIngress } from '../ingress/server.js';
import { startWorkers } from '../workers/start-workers.js';
import { startSandbox } from '../sandbox/server.js';
import { portIsFree, RedisPortBusyError, startRedisServer } from './redis-server.js';

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

/** Rejects with the variable's name when something already listens on host:port (0 picks a port: never busy). */
async function assertPortFree(variable: string, port: number, host: string): Promise<void> {
  if (port !== 0 && !(await portIsFree(port, host))) throw portInUse(variable, port);
}

/** How often the launcher looks whether its parent is still there. */
const PARENT_CHECK_MS = 500;

/**
 * Every port this run will listen on, checked before anything starts: a busy port then costs nothing to undo, and
 * the message names its variable. Listening later still maps EADDRINUSE (the port may be taken in between).
 */
async function checkPorts(config: Config): Promise<void> {
  const wanted: { variable: string; port: number; host: string }[] = [{ variable: 'PORT', port: config.port, host: config.host }];
  if (config.useSandbox) wanted.push({ variable: 'SANDBOX_PORT', port: config.sandboxPort, host: '127.0.0.1' });
  if (!config.redisUrl) wanted.push({ variable: 'REDIS_PORT', port: config.embeddedRedis.port, host: '127.0.0.1' });
  const named = wanted.filter((entry) => entry.port !== 0);
  for (const [index, entry] of named.entries()) {
    const twin = named.slice(index + 1).find((other) => other.port === entry.port);
    if (twin) throw new StartupError(`${entry.variable} and ${twin.variable} are both ${entry.port}: give each its own port`);
  }
  for (const { variable, port, host } of named) {
    if (variable === 'REDIS_PORT') {
      if (!(await portIsFree(port, host))) throw new RedisPortBusyError(port);
    } else {
      await assertPortFree(variable, port, host);
    }
  }
}

/** A shell word: quoted when it holds anything a shell would read (`<password>` would be a redirection). */
function shellWord(value: string): string {
  return /^[\w@%+=:,./{}-]+$/.test(value) ? value : `'${value.replace(/'/g, `'\\''`)}'`;
}

/** What the operator needs, and no secret: the SDK's public test key or a placeholder, never a configured token. */
function banner(config: Config, urls: { ingress: string; redis: string; sandbox: string | null }): string {
  const defaultTokens = config.useSandbox && (config.channels[0]?.tokens.includes(SANDBOX_TEST_TOKEN) ?? false);
  const token = defaultTokens ? SANDBOX_TEST_TOKEN : '<your token>';
  const opsEnv = [`REDIS_URL=${shellWord(redisUrlForLog(urls.redis, '<password>'))}`];
  if (config.redisCluster) opsEnv.push('REDIS_CLUSTER=true');
  if (config.queuePrefix !== '{rob}') opsEnv.push(`QUEUE_PREFIX=${shellWord(config.queuePrefix)}`);
  const dashboard = config.admin.token
    ? `${urls.ingress}/admin/queues (Bull Board; user any, password ADMIN_TOKEN)`
    : 'off (set ADMIN_TOKEN to serve Bull Board at /admin/queues)';
  return [
    '',
    `retailops-bridge is running: ingress ${urls.ingress}`,
    `  metrics         ${urls.ingress}/metrics`,
    `  dashboard       ${dashboard}`,
    urls.sandbox ? `  fabric sandbox  ${urls.sandbox} (ledger: ${urls.sandbox}/_sandbox/calls)` : '',
    `  operator CLI    ${opsEnv.join(' ')} npm run ops -- queues`,
    'Try:',
    `  curl -s -X POST ${urls.ingress}/order_cancel -H ${shellWord(`Authorization: Bearer ${token}`)} \\`,
    `    -H 'Content-Type: application/json' -d '{"version":1,"action":"order_cancel","data":{"order":{"channel_refnum":496},"channel":{"id":21}}}'`,
    '',
  ]
    .filter((line) => line !== '')
    .join('\n');
}

async function main(): Promise<void> {
  let config: Config;
  try {
    config = loadConfig();
  } catch (error) {
    logStartupFailure(fallbackLogger('retailops-bridge'), error);
    process.exit(1);
  }
  // Before the logger: its lines take their trace ids from it. One service name for the whole process tree.
  await startTracing(config, 'retailops-bridge');
  const logger = createStartLogger(config.logLevel);
  /** What has started, last first: stopping runs them in this order (tracing last: it exports the final spans). */
  const stops: (() => Promise<void>)[] = [stopTracing];
  let stopping = false;

  const stopStarted = async (): Promise<void> => {
    for (const close of stops.splice(0)) {
      try {
        await close();
      } catch (error) {
        logger.error({ err: error }, 'error while stopping');
      }
    }
  };

  const stop = async (reason: string): Promise<void> => {
    if (stopping) return;
    stopping = true;
    logger.info({ reason }, 'stopping');
    // Bounded: the workers take at most SHUTDOWN_TIMEOUT_MS to finish active jobs (stalled ones are retried after a
    // restart); the margin is for Redis's own clean exit. If this fires anyway, the watchdog stops redis-server.
    setTimeout(() => {
      logger.error({ timeoutMs: config.shutdownTimeoutMs }, 'shutdown took too long, exiting');
      process.exit(1);
    }, config.shutdownTimeoutMs + 10_000).unref();
    await stopStarted();
    logger.info({ reason }, 'stopped');
    process.exit(0);
  };

  // Installed before anything starts, so that a signal during start stops what has started so far.
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => void stop(signal));
  // One registry for the in-process workers and ingress: one reload serves both.
  const channels = ChannelRegistry.fromConfig(config);
  reloadChannelsOnSignal(channels, logger);
  // `npm start` runs `sh -c` and signals only that shell: a SIGTERM to npm kills the shell and never reaches this
  // process. The shell's death shows here as a new parent (init or a subreaper), so it stops everything all the same.
  const parent = process.ppid;
  setInterval(() => {
    if (process.ppid !== parent) void stop('parent exited');
  }, PARENT_CHECK_MS).unref();

  try {
    await checkPorts(config);
    if (!config.redisUrl) {
      const redis = await startRedisServer({ port: config.embeddedRedis.port, dataDir: config.embeddedRedis.dataDir });
      stops.unshift(() => redis.stop());
      config = withOverrides(config, { redisUrl: redis.url });
      logger.info({ url: redis.url, pid: redis.pid, dataDir: config.embeddedRedis.dataDir }, 'embedded redis-server started');
    }
    let sandboxUrl: string | null = null;
    if (config.useSandbox) {
      const port = config.sandboxPort;
      const sandbox = await startSandbox({ host: '127.0.0.1', port }).catch((error: unknown) => {
        throw explainListenError(error, 'SANDBOX_PORT', port);
      });
      stops.unshift(sandbox.close);
      sandboxUrl = sandbox.url;
      logger.info({ url: sandbox.url }, 'fabric sandbox started (no FABRIC_BASE_URL configured)');
    }
    // One process, one metrics registry: the ingress's /metrics shows the workers' figures too.
    const metrics = createMetrics();
    const workers = await startWorkers(config, logger.child({ component: 'worker' }), metrics, channels);
    stops.unshift(() => workers.close());
    const ingress = await startIngress(config, logger.child({ component: 'ingress' }), metrics, channels).catch((error: unknown) => {
      throw explainListenError(error, 'PORT', config.port);
    });
    stops.unshift(ingress.close);
    if (stopping) return;

    const redisUrl = config.redisUrl ?? '';
    const urls = { ingress: ingress.url, redis: redisUrl, sandbox: sandboxUrl };
    logger.info(
      {
        ingress: ingress.url,
        metrics: `${ingress.url}/metrics`,
        dashboard: config.admin.token ? `${ingress.url}/admin/queues` : null,
        sandbox: sandboxUrl,
        redis: redisUrlForLog(redisUrl),
      },
      'retailops-bridge running',
    );
    process.stdout.write(`${banner(config, urls)}\n\n`);
  } catch (error) {
    // A signal may have arrived meanwhile: its stop owns the exit.
    if (stopping) return;
    stopping = true;
    await stopStarted();
    // Last, after the stops: the final line says what to change.
    logStartupFailure(logger, error);
    process.exit(1);
  }
}

main().catch((error: unknown) => {
  logStartupFailure(fallbackLogger('retailops-bridge'), error);
  process.exit(1);
});
