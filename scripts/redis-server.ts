import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { createServer, Socket } from 'node:net';
import { resolve } from 'node:path';
import { Redis } from 'ioredis';
import { StartupError } from '../shared/startup.js';

/**
 * A redis-server child process, for `npm start` with nothing configured and for tests without REDIS_URL or a
 * container runtime. Persistence follows the production advice: appendonly yes, noeviction (BullMQ's keys must
 * never be evicted).
 */
export interface RedisServerOptions {
  readonly port: number;
  /** null: keep nothing on disk (tests). */
  readonly dataDir: string | null;
  /**
   * With a dataDir: `always` (default) fsyncs the append-only file before Redis answers a write, so a job the
   * ingress acknowledged survives even a crash of Redis or the machine; `everysec` is faster and may lose the last
   * second of writes on such a crash (a clean restart loses nothing either way).
   */
  readonly appendfsync?: 'always' | 'everysec';
  /** More redis-server arguments (tests: cluster mode). */
  readonly extraArgs?: readonly string[];
}

export interface RunningRedisServer {
  readonly url: string;
  readonly port: number;
  /** The redis-server process (checked: the server answering on the port reports this pid). */
  readonly pid: number;
  /** SIGTERM (Redis flushes and exits cleanly), or SIGKILL to simulate a crash. */
  stop(signal?: 'SIGTERM' | 'SIGKILL'): Promise<void>;
}

export class RedisServerMissingError extends StartupError {
  override readonly name = 'RedisServerMissingError';
  constructor() {
    super(
      'redis-server is not installed. Install it (Debian/Ubuntu: `sudo apt-get install redis-server`, macOS: ' +
        '`brew install redis`) or point REDIS_URL at a Redis 6.2+ server.',
    );
  }
}

/** REDIS_PORT is taken by another process (another Redis, an orphan of an earlier run, anything else). */
export class RedisPortBusyError extends StartupError {
  override readonly name = 'RedisPortBusyError';
  constructor(readonly port: number) {
    // npm start never adopts a Redis it did not start: that could be another application's data.
    super(
      `REDIS_PORT ${port} is in use by another process: set REDIS_PORT to a free port, or set REDIS_URL to use the ` +
        `Redis that answers there (if it is a redis-server left by an earlier run: redis-cli -p ${port} shutdown)`,
    );
  }
}

export function redisServerAvailable(): boolean {
  return spawnSync('redis-server', ['--version'], { stdio: 'ignore' }).status === 0;
}

export async function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolvePort(address.port) : reject(new Error('no port'))));
    });
  });
}

/**
 * Whether nothing listens on host:port: a bind attempt, so that a listener that would refuse a probe counts too.
 * Only EADDRINUSE means busy; another failure (a host that does not resolve, a privileged port) is left for the
 * real listen to report.
 */
export async function portIsFree(port: number, host = '127.0.0.1'): Promise<boolean> {
  return new Promise((resolveFree) => {
    const server = createServer();
    server.once('error', (error: NodeJS.ErrnoException) => resolveFree(error.code !== 'EADDRINUSE'));
    server.listen({ port, host, exclusive: true }, () => server.close(() => resolveFree(true)));
  });
}

export async function startRedisServer(options: RedisServerOptions): Promise<RunningRedisServer> {
  if (!redisServerAvailable()) throw new RedisServerMissingError();
  const port = options.port === 0 ? await freePort() : options.port;
  // Checked before spawning, and the server that answers is then checked to be the child (waitUntilAnswering):
  // connecting to whatever answers on the port would adopt an orphan of an earlier run, or another application's Redis.
  if (!(await portIsFree(port))) throw new RedisPortBusyError(port);
  const args = ['--port', String(port), '--bind', '127.0.0.1', '--maxmemory-policy', 'noeviction', '--save', ''];
  if (options.dataDir) {
    const dir = resolve(options.dataDir);
    mkdirSync(dir, { recursive: true });
    args.push('--dir', dir, '--appendonly', 'yes', '--appendfsync', options.appendfsync ?? 'always');
  } else {
    args.push('--appendonly', 'no');
  }
  args.push(...(options.extraArgs ?? []));
  // Its own process group: a Ctrl-C in the terminal reaches the owner alone, which stops Redis last, after the
  // processes that use it have finished their jobs.
  const child: ChildProcess = spawn('redis-server', args, { stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  const watchdog = child.pid === undefined ? null : startWatchdog(child.pid);
  child.once('exit', () => watchdog?.release());
  let output = '';
  child.on('error', (error) => (output += `${error.message}\n`)); // a failed spawn also exits: reported below
  child.stdout?.on('data', (chunk: Buffer) => (output = (output + chunk.toString()).slice(-4000)));
  child.stderr?.on('data', (chunk: Buffer) => (output = (output + chunk.toString()).slice(-4000)));
  const stop = async (signal: 'SIGTERM' | 'SIGKILL' = 'SIGTERM'): Promise<void> => {
    watchdog?.release();
    await stopChild(child, signal);
  };
  const url = `redis://127.0.0.1:${port}`;
  try {
    await waitUntilAnswering(url, port, child, () => output);
  } catch (error) {
    await stop('SIGKILL');
    throw error;
  }
  return { url, port, pid: child.pid ?? 0, stop };
}

/**
 * Stops redis-server when its owner dies without stopping it (SIGKILL, a crash): a shell blocked reading a pipe
 * from the owner. The kernel closes the pipe when the owner dies however it dies, so `read` ends and the shell
 * sends SIGTERM (Redis writes its append-only file and exits). `release` tells it the owner stops Redis itself.
 */
function startWatchdog(redisPid: number): { release(): void } {
  const script = 'if read -r _; then exit 0; fi; kill -TERM "$1" 2>/dev/null';
  const watchdog = spawn('sh', ['-c', script, 'redis-watchdog', String(redisPid)], { stdio: ['pipe', 'ignore', 'ignore'], detached: true });
  watchdog.on('error', () => undefined); // no sh: the stack still runs, without this safety net
  const stdin = watchdog.stdin;
  stdin?.on('error', () => undefined);
  // The watchdog must never keep its owner's event loop alive.
  watchdog.unref();
  if (stdin instanceof Socket) stdin.unref();
  let released = false;
  return {
    release: () => {
      if (released) return;
      released = true;
      stdin?.end('release\n');
    },
  };
}

/**
 * Waits until the child answers, and checks that the server answering is the child: its INFO process_id. Redis
 * answers INFO while it loads its append-only file, so a large file only delays PING, never the identity check.
 */
async function waitUntilAnswering(url: string, port: number, child: ChildProcess, output: () => string): Promise<void> {
  const deadline = Date.now() + 10_000;
  let identified = false;
  while (identified || Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null) {
      if (/address already in use/i.test(output())) throw new RedisPortBusyError(port);
      throw new Error(`redis-server exited (${child.exitCode ?? child.signalCode}): ${output().trim()}`);
    }
    const probe = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null, enableReadyCheck: false });
    probe.on('error', () => undefined);
    try {
      await probe.connect();
      if (!identified) {
        const pid = /^process_id:(\d+)/m.exec(await probe.info('server'))?.[1];
        if (Number(pid) !== child.pid) throw new RedisPortBusyError(port);
        identified = true;
      }
      await probe.ping();
      probe.disconnect();
      return;
    } catch (error) {
      probe.disconnect();
      if (error instanceof RedisPortBusyError) throw error;
      await new Promise((done) => setTimeout(done, 100));
    }
  }
  throw new Error(`redis-server did not answer on ${url}: ${output().trim()}`);
}

async function stopChild(child: ChildProcess, signal: 'SIGTERM' | 'SIGKILL'): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  await new Promise<void>((done) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
    child.once('exit', () => {
      clearTimeout(timer);
      done();
    });
    child.kill(signal);
  });
}
