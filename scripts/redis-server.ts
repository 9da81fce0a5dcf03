import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { createServer } from 'node:net';
import { resolve } from 'node:path';
import { Redis } from 'ioredis';

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
  /** SIGTERM (Redis flushes and exits cleanly), or SIGKILL to simulate a crash. */
  stop(signal?: 'SIGTERM' | 'SIGKILL'): Promise<void>;
}

export class RedisServerMissingError extends Error {
  override readonly name = 'RedisServerMissingError';
  constructor() {
    super(
      'redis-server is not installed. Install it (Debian/Ubuntu: `sudo apt-get install redis-server`, macOS: ' +
        '`brew install redis`) or point REDIS_URL at a Redis 6.2+ server.',
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

export async function startRedisServer(options: RedisServerOptions): Promise<RunningRedisServer> {
  if (!redisServerAvailable()) throw new RedisServerMissingError();
  const args = ['--port', String(options.port), '--bind', '127.0.0.1', '--maxmemory-policy', 'noeviction', '--save', ''];
  if (options.dataDir) {
    const dir = resolve(options.dataDir);
    mkdirSync(dir, { recursive: true });
    args.push('--dir', dir, '--appendonly', 'yes', '--appendfsync', options.appendfsync ?? 'always');
  } else {
    args.push('--appendonly', 'no');
  }
  args.push(...(options.extraArgs ?? []));
  const child: ChildProcess = spawn('redis-server', args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output = (output + chunk.toString()).slice(-4000)));
  child.stderr?.on('data', (chunk: Buffer) => (output = (output + chunk.toString()).slice(-4000)));
  const url = `redis://127.0.0.1:${options.port}`;
  await waitUntilAnswering(url, child, () => output);
  return {
    url,
    port: options.port,
    stop: (signal = 'SIGTERM') => stopChild(child, signal),
  };
}

async function waitUntilAnswering(url: string, child: ChildProcess, output: () => string): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`redis-server exited (${child.exitCode}): ${output()}`);
    const probe = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
    probe.on('error', () => undefined);
    try {
      await probe.connect();
      await probe.ping();
      probe.disconnect();
      return;
    } catch {
      probe.disconnect();
      await new Promise((done) => setTimeout(done, 100));
    }
  }
  throw new Error(`redis-server did not answer on ${url}: ${output()}`);
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
