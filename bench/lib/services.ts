import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, existsSync, openSync } from 'node:fs';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { fileURLToPath } from 'node:url';
import { SEED_EXAMPLE_TICKET, sandboxFabricSettings } from '../../shared/config.js';
import { createSandboxClient, type SandboxClient } from '../../sandbox/client.js';
import { freePort, startRedisServer } from '../../scripts/redis-server.js';
import type { Scope } from './scope.js';
import { waitFor } from './util.js';

export const ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** Tokens every service under test accepts: the seed's ticket (sent in the payload) and a bearer token. */
export const BENCH_TOKEN = 'bench-token-0123456789';
export const TOKENS_ENV = JSON.stringify([SEED_EXAMPLE_TICKET, BENCH_TOKEN]);

export function uniquePrefix(): string {
  return `{b${randomBytes(4).toString('hex')}}`;
}

// ---------------------------------------------------------------------------------------------------------------
// Child processes

export interface Child {
  readonly name: string;
  readonly pid: number;
  readonly process: ChildProcess;
  /** The last few KB of stderr (and stdout when piped), for error messages. */
  output(): string;
  stop(): Promise<void>;
}

const children = new Set<ChildProcess>();
/** Processes started by other helpers (redis-server via scripts/redis-server.ts), by pid. */
const otherPids = new Set<number>();
// Last resort: nothing the runner started may outlive it, whatever ended it (even an exit in the middle of a start).
process.once('exit', () => {
  for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  for (const pid of otherPids) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
});

export interface SpawnOptions {
  /** Extra node flags (--cpu-prof …). */
  readonly nodeArgs?: readonly string[];
  readonly args?: readonly string[];
  readonly env: Record<string, string>;
  /** Where stdout goes: 'null' (logs thrown away, still serialised) or 'pipe' (read for a READY line). */
  readonly stdout: 'null' | 'pipe';
}

/** Environment for a child: only what it needs, so the caller's REDIS_URL, CHANNELS_FILE … never leak in. */
function childEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  const keep = ['PATH', 'HOME', 'TMPDIR', 'LANG', 'TZ'];
  const env: NodeJS.ProcessEnv = {};
  for (const key of keep) if (process.env[key] !== undefined) env[key] = process.env[key];
  return { ...env, NODE_ENV: 'production', ...extra };
}

// ---------------------------------------------------------------------------------------------------------------
// How services run: compiled to bench/.build and started with plain node, as the Docker image runs dist/ (no tsx
// loader thread in the RSS or the profiles); from source with `node --import tsx` when compiling is not possible.

const BUILD_DIR = join(ROOT, 'bench', '.build');
let compiled = false;

/** Compiles the services and baseline servers (incremental tsc, bench/tsconfig.services.json). */
export async function compileServices(): Promise<{ mode: 'compiled' | 'tsx'; seconds: number; message: string }> {
  const started = performance.now();
  const tsc = join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc');
  const result = await new Promise<{ code: number | null; output: string }>((resolve) => {
    const child = spawn(process.execPath, [tsc, '-p', join(ROOT, 'bench', 'tsconfig.services.json')], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.once('error', (error) => resolve({ code: -1, output: error.message }));
    child.once('exit', (code) => resolve({ code, output }));
  });
  const seconds = Math.round((performance.now() - started) / 100) / 10;
  // tsc emits despite type errors (exit 2); only a missing entry point makes the build unusable.
  compiled = ['ingress/main.js', 'workers/main.js', 'sandbox/main.js', 'bench/servers/bare-http.js'].every((file) => existsSync(join(BUILD_DIR, file)));
  const errors = result.code === 0 ? '' : ` (tsc exited ${result.code}: ${result.output.split('\n').slice(0, 3).join(' ')})`;
  return { mode: compiled ? 'compiled' : 'tsx', seconds, message: compiled ? `services compiled to bench/.build in ${seconds} s${errors}` : `compiling failed, running services from source with tsx${errors}` };
}

function entryPoint(source: string): { args: string[]; file: string } {
  if (compiled) return { args: [], file: join(BUILD_DIR, source.replace(/\.ts$/, '.js')) };
  return { args: ['--import', 'tsx'], file: source };
}

/**
 * One process per service (node, not a wrapper), so its pid is the service: RSS, CPU time, signals. The scope stops it
 * (SIGTERM, then SIGKILL after 15 s).
 */
export function spawnScopedChild(scope: Scope, name: string, source: string, options: SpawnOptions): Child {
  const devNull = options.stdout === 'null' ? openSync('/dev/null', 'w') : null;
  const entry = entryPoint(source);
  const child = spawn(process.execPath, [...(options.nodeArgs ?? []), ...entry.args, entry.file, ...(options.args ?? [])], {
    cwd: ROOT,
    env: childEnv(options.env),
    stdio: ['ignore', devNull ?? 'pipe', 'pipe'],
  });
  if (devNull !== null) closeSync(devNull);
  children.add(child);
  child.once('exit', () => children.delete(child));
  let output = '';
  const keep = (chunk: Buffer): void => {
    output = (output + chunk.toString()).slice(-4000);
  };
  child.stderr?.on('data', keep);
  let stopping: Promise<void> | undefined;
  const handle: Child = {
    name,
    pid: child.pid ?? -1,
    process: child,
    output: () => output,
    stop: () =>
      (stopping ??= new Promise<void>((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolve();
        const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
        child.once('exit', () => {
          clearTimeout(timer);
          resolve();
        });
        child.kill('SIGTERM');
      })),
  };
  return scope.defer(name, handle, (value) => value.stop());
}

/** Reads the child's `READY {json}` line from stdout. */
async function readyLine<T>(child: Child, timeoutMs = 30_000): Promise<T> {
  const stdout = child.process.stdout;
  if (!stdout) throw new Error(`${child.name}: stdout is not piped`);
  return new Promise<T>((resolve, reject) => {
    let buffer = '';
    const timer = setTimeout(() => finish(new Error(`${child.name} not ready after ${timeoutMs} ms: ${child.output()}`)), timeoutMs);
    const onData = (chunk: Buffer): void => {
      buffer += chunk.toString();
      const match = /^READY (.*)$/m.exec(buffer);
      if (match?.[1] !== undefined) finish(null, JSON.parse(match[1]) as T);
    };
    const onExit = (code: number | null): void => finish(new Error(`${child.name} exited (${code}) before it was ready: ${child.output()}`));
    const finish = (error: Error | null, value?: T): void => {
      clearTimeout(timer);
      stdout.off('data', onData);
      child.process.off('exit', onExit);
      stdout.resume(); // anything later is drained and dropped
      if (error) reject(error);
      else resolve(value as T);
    };
    stdout.on('data', onData);
    child.process.once('exit', onExit);
  });
}

function assertAlive(child: Child): void {
  if (child.process.exitCode !== null || child.process.signalCode !== null) {
    throw new Error(`${child.name} exited (${child.process.exitCode ?? child.process.signalCode}): ${child.output()}`);
  }
}

/** Resident set size of a process in bytes, from /proc (Linux). */
export async function rssOf(pid: number): Promise<number> {
  const { readFile } = await import('node:fs/promises');
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  const kb = /VmRSS:\s+(\d+) kB/.exec(status)?.[1];
  if (kb === undefined) throw new Error(`no VmRSS for pid ${pid}`);
  return Number(kb) * 1024;
}

const CLOCK_TICKS = 100; // USER_HZ on Linux

/** CPU seconds (user + system) a process has used so far, from /proc (Linux). */
export async function cpuOf(pid: number): Promise<number> {
  const { readFile } = await import('node:fs/promises');
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
  // Fields after the command name (which may contain spaces) start at state; utime and stime are the 12th and 13th.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS;
}

/** CPU seconds used by each named process between `start()` and `stop()`. */
export function cpuMeter(processes: Record<string, number>): { start(): Promise<void>; stop(): Promise<Record<string, number>> } {
  let before: Record<string, number> = {};
  const read = async (): Promise<Record<string, number>> =>
    Object.fromEntries(await Promise.all(Object.entries(processes).map(async ([name, pid]) => [name, await cpuOf(pid)] as const)));
  return {
    start: async () => {
      before = await read();
    },
    stop: async () => {
      const after = await read();
      return Object.fromEntries(Object.entries(after).map(([name, value]) => [name, Math.round((value - (before[name] ?? 0)) * 100) / 100]));
    },
  };
}

// ---------------------------------------------------------------------------------------------------------------
// Redis

export interface BenchRedis {
  readonly url: string;
  readonly pid: number;
  /** An admin connection for INFO, FLUSHALL, counts. */
  readonly client: Redis;
  usedMemory(): Promise<number>;
  flush(): Promise<void>;
}

/** A redis-server of the benchmark's own on a free port, nothing on disk: the machine's Redis is never touched. */
export async function startRedis(scope: Scope): Promise<BenchRedis> {
  const server = scope.defer('redis-server', await startRedisServer({ port: await freePort(), dataDir: null }), (value) => value.stop());
  const client = scope.defer('redis admin', new Redis(server.url, { maxRetriesPerRequest: null }), (value) => {
    value.disconnect();
  });
  client.on('error', () => undefined);
  const pid = Number(/process_id:(\d+)/.exec(await client.info('server'))?.[1] ?? -1);
  if (pid > 0) {
    otherPids.add(pid);
    scope.defer('redis-server pid', pid, (value) => {
      otherPids.delete(value);
    });
  }
  return {
    url: server.url,
    pid,
    client,
    usedMemory: async () => Number(/used_memory:(\d+)/.exec(await client.info('memory'))?.[1] ?? Number.NaN),
    flush: async () => {
      await client.flushall();
    },
  };
}

/** A BullMQ Queue handle on the admin connection, for counts, pause and bulk adds. */
export function benchQueue(scope: Scope, redis: BenchRedis, name: string, prefix: string): Queue {
  const queue = new Queue(name, { connection: redis.client, prefix });
  queue.on('error', () => undefined);
  return scope.defer(`queue ${name}`, queue, (value) => value.close());
}

// ---------------------------------------------------------------------------------------------------------------
// Services under test

export interface RunningSandbox {
  readonly url: string;
  readonly client: SandboxClient;
  readonly child: Child;
}

/** The fabric sandbox in a process of its own (it stands for a remote API), its logger off. */
export async function startSandboxChild(scope: Scope, latencyMs = 0): Promise<RunningSandbox> {
  const port = await freePort();
  const child = spawnScopedChild(scope, 'sandbox', 'sandbox/main.ts', {
    env: { SANDBOX_HOST: '127.0.0.1', SANDBOX_PORT: String(port), SANDBOX_LOG_LEVEL: 'silent' },
    stdout: 'null',
  });
  const url = `http://127.0.0.1:${port}`;
  const client = createSandboxClient(url);
  await waitFor(
    'the sandbox',
    async () => {
      assertAlive(child);
      await client.getOrder('bench-probe'); // 404 (undefined) is an answer too
      return true;
    },
    30_000,
  );
  await client.setFaults({ latencyMs });
  return { url, client, child };
}

/** FABRIC_* for a service that uses the sandbox as a real fabric would be configured. */
export function fabricEnv(sandboxUrl: string): Record<string, string> {
  const fabric = sandboxFabricSettings(sandboxUrl, '12');
  return {
    FABRIC_BASE_URL: fabric.baseUrl,
    FABRIC_AUTH_URL: fabric.authUrl,
    FABRIC_CLIENT_ID: fabric.clientId,
    FABRIC_CLIENT_SECRET: fabric.clientSecret,
    FABRIC_TENANT_ID: fabric.tenantId,
    FABRIC_CHANNEL_ID: fabric.channelId,
  };
}

export interface ServiceEnv {
  readonly redisUrl: string;
  readonly prefix: string;
  /** Without one the services run in sandbox mode on a port nobody listens on (the ingress never calls fabric). */
  readonly sandboxUrl?: string;
  readonly extra?: Record<string, string>;
  readonly nodeArgs?: readonly string[];
}

/**
 * BENCH_SERVICE_ENV: a JSON object of extra variables for the ingress and worker processes, for "what if" runs
 * (e.g. '{"LOG_LEVEL":"warn"}'). It cannot move what a benchmark sets itself (Redis, prefix, fabric, queues,
 * concurrency, port).
 */
function experimentEnv(): Record<string, string> {
  const raw = process.env['BENCH_SERVICE_ENV'];
  if (!raw) return {};
  const parsed = JSON.parse(raw) as unknown;
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) throw new Error('BENCH_SERVICE_ENV must be a JSON object');
  return Object.fromEntries(Object.entries(parsed).map(([key, value]) => [key, String(value)]));
}

function serviceEnv(options: ServiceEnv): Record<string, string> {
  return {
    HOST: '127.0.0.1',
    RETAILOPS_AUTH_TOKENS: TOKENS_ENV,
    LOG_LEVEL: 'info',
    SHUTDOWN_TIMEOUT_MS: '5000',
    // The per-client rate limit and the per-tenant fabric call budget stay on (their Redis round trips are part of
    // every request's and every call's cost) but far above the offered load: every benchmark request comes from
    // one RetailOPS client and goes to one fabric tenant. latency-bound sets the budget it tests explicitly.
    RATE_LIMIT_MAX: '1000000000',
    FABRIC_RATE_LIMIT_PER_SECOND: '1000000000',
    ...experimentEnv(),
    REDIS_URL: options.redisUrl,
    QUEUE_PREFIX: options.prefix,
    ...(options.sandboxUrl ? fabricEnv(options.sandboxUrl) : {}),
    ...options.extra,
  };
}

/** The real ingress (`npm run ingress`), logging at info to /dev/null as it would to stdout in production. */
export async function startIngressChild(scope: Scope, options: ServiceEnv): Promise<{ url: string; child: Child }> {
  const port = await freePort();
  const child = spawnScopedChild(scope, 'ingress', 'ingress/main.ts', {
    env: { ...serviceEnv(options), PORT: String(port) },
    stdout: 'null',
    ...(options.nodeArgs ? { nodeArgs: options.nodeArgs } : {}),
  });
  const url = `http://127.0.0.1:${port}`;
  await waitFor(
    'the ingress',
    async () => {
      assertAlive(child);
      return (await fetch(`${url}/readyz`)).ok ? true : undefined;
    },
    30_000,
    100,
  );
  return { url, child };
}

/**
 * `processes` real worker processes (`npm run worker`), each with WORKER_CONCURRENCY `concurrency`, serving `queue`
 * (WORKER_QUEUES: one name, or several comma-separated); ready once every one of them has registered its BullMQ
 * worker connection on each of those queues.
 */
export async function startWorkerChildren(
  scope: Scope,
  redis: BenchRedis,
  options: ServiceEnv & { processes: number; concurrency: number; queue: string },
): Promise<Child[]> {
  const env = {
    ...serviceEnv(options),
    WORKER_QUEUES: options.queue,
    WORKER_CONCURRENCY: String(options.concurrency),
  };
  const workers = Array.from({ length: options.processes }, (_, index) =>
    spawnScopedChild(scope, `worker ${index + 1}`, 'workers/main.ts', {
      env,
      stdout: 'null',
      ...(options.nodeArgs ? { nodeArgs: options.nodeArgs } : {}),
    }),
  );
  for (const queue of options.queue.split(',')) await waitWorkers(redis, options.prefix, queue.trim(), options.processes, workers);
  return workers;
}

async function waitWorkers(redis: BenchRedis, prefix: string, queueName: string, count: number, watched: Child[]): Promise<void> {
  const queue = new Queue(queueName, { connection: redis.client, prefix });
  try {
    await waitFor(
      `${count} worker process(es) on ${queueName}`,
      async () => {
        watched.forEach(assertAlive);
        return (await queue.getWorkersCount()) >= count ? true : undefined;
      },
      30_000,
      100,
    );
  } finally {
    await queue.close();
  }
}

/** The baselines' HTTP server: `route` answers without Redis, `add` does one BullMQ queue.add of the body. */
export async function startBareHttp(
  scope: Scope,
  mode: 'route' | 'add',
  options: { redisUrl: string; prefix: string; nodeArgs?: readonly string[] },
): Promise<{ url: string; child: Child }> {
  const child = spawnScopedChild(scope, `bare ${mode}`, 'bench/servers/bare-http.ts', {
    env: { REDIS_URL: options.redisUrl, QUEUE_PREFIX: options.prefix, BARE_MODE: mode },
    stdout: 'pipe',
    ...(options.nodeArgs ? { nodeArgs: options.nodeArgs } : {}),
  });
  const ready = await readyLine<{ url: string }>(child);
  return { url: ready.url, child };
}

/** The baseline worker: BullMQ Worker, no-op processor. */
export async function startBareWorker(
  scope: Scope,
  redis: BenchRedis,
  options: { prefix: string; queue: string; concurrency: number },
): Promise<Child> {
  const child = spawnScopedChild(scope, 'bare worker', 'bench/servers/bare-worker.ts', {
    env: { REDIS_URL: redis.url, QUEUE_PREFIX: options.prefix, BARE_QUEUE: options.queue, BARE_CONCURRENCY: String(options.concurrency) },
    stdout: 'pipe',
  });
  await readyLine<unknown>(child);
  await waitWorkers(redis, options.prefix, options.queue, 1, [child]);
  return child;
}

// ---------------------------------------------------------------------------------------------------------------
// The naive bridge (bench/servers/naive-*.ts): the same work as the ingress and worker with none of their guarantees

/**
 * The naive ingress: Fastify's JSON parse and one BullMQ queue.add per webhook, into queue `cancel` of `prefix`: the
 * ingress-ack baseline's `add` route (bench/servers/bare-http.ts), which is exactly that.
 */
export function startNaiveIngress(scope: Scope, options: { redisUrl: string; prefix: string; nodeArgs?: readonly string[] }): Promise<{ url: string; child: Child }> {
  return startBareHttp(scope, 'add', options);
}

/** `processes` naive workers on queue `cancel` of `prefix`, each at `concurrency`, calling the sandbox as fabric. */
export async function startNaiveWorkers(
  scope: Scope,
  redis: BenchRedis,
  options: { prefix: string; sandboxUrl: string; processes: number; concurrency: number; nodeArgs?: readonly string[] },
): Promise<Child[]> {
  const env = { REDIS_URL: redis.url, QUEUE_PREFIX: options.prefix, NAIVE_CONCURRENCY: String(options.concurrency), ...fabricEnv(options.sandboxUrl) };
  const workers = Array.from({ length: options.processes }, (_, index) =>
    spawnScopedChild(scope, `naive worker ${index + 1}`, 'bench/servers/naive-worker.ts', {
      env,
      stdout: 'pipe',
      ...(options.nodeArgs ? { nodeArgs: options.nodeArgs } : {}),
    }),
  );
  for (const worker of workers) await readyLine<unknown>(worker);
  await waitWorkers(redis, options.prefix, 'cancel', options.processes, workers);
  return workers;
}

/** redis-server's own CPU seconds (INFO cpu: user + sys of the main process), as an operator reads it on any Redis. */
export async function redisCpuSeconds(redis: BenchRedis): Promise<number> {
  const info = await redis.client.info('cpu');
  const field = (name: string): number => Number(new RegExp(`^${name}:([\\d.]+)`, 'm').exec(info)?.[1] ?? Number.NaN);
  return field('used_cpu_user') + field('used_cpu_sys');
}
