import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readdirSync, symlinkSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { afterEach, describe, expect, it } from 'vitest';
import { freePort, portIsFree, startRedisServer, type RunningRedisServer } from '../../scripts/redis-server.js';

/**
 * The README's first command: `npm start` runs the whole stack on embedded defaults, stops cleanly on Ctrl-C and
 * SIGTERM (SIGHUP reloads CHANNELS_FILE instead), and a start that cannot succeed stops what it started and says in one line which variable to change.
 */
const root = join(import.meta.dirname, '..', '..');
const children: ChildProcess[] = [];
const cleanups: (() => Promise<void> | void)[] = [];

afterEach(async () => {
  for (const child of children.splice(0)) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  for (const cleanup of cleanups.splice(0)) await cleanup();
});

interface Run {
  readonly child: ChildProcess;
  output(): string;
  /** Resolves once the process has exited and its output is complete. */
  readonly closed: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

function track(child: ChildProcess): Run {
  children.push(child);
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const closed = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.once('close', (code, signal) => resolve({ code, signal })));
  return { child, output: () => output, closed };
}

function start(env: Record<string, string>): Run {
  // node with tsx's loader (what `npm start` runs), as one process, so that signals reach it directly.
  return track(spawn(process.execPath, ['--import', 'tsx', 'scripts/start.ts'], { cwd: root, env: { LOG_LEVEL: 'warn', ...env }, stdio: ['ignore', 'pipe', 'pipe'] }));
}

function npmStart(env: Record<string, string>): Run {
  const npmEnv = { HOME: process.env['HOME'] ?? tmpdir(), npm_config_update_notifier: 'false', LOG_LEVEL: 'info' };
  return track(spawn('npm', ['start'], { cwd: root, env: { ...npmEnv, ...env }, stdio: ['ignore', 'pipe', 'pipe'] }));
}

const basics = () => ({ PATH: process.env['PATH'] ?? '' });

async function waitFor(what: string, check: () => boolean | Promise<boolean>, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** The output's lines that are not the banner (which starts with a blank line and ends with one) nor npm's own. */
function logLines(output: string): string[] {
  const banner = /\nretailops-bridge is running:[\s\S]*?\n\n/;
  return output
    .replace(banner, '\n')
    .split('\n')
    .filter((line) => line.trim() !== '' && !line.startsWith('> ') && !line.startsWith('npm '));
}

function jsonLines(output: string): Record<string, unknown>[] {
  return logLines(output).map((line) => JSON.parse(line) as Record<string, unknown>);
}

function redisPidOf(output: string): number {
  const started = jsonLines(output).find((line) => line['msg'] === 'embedded redis-server started');
  return Number(started?.['pid']);
}

async function listenOn(port: number): Promise<Server> {
  const server = createServer((socket) => socket.destroy());
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  cleanups.push(() => new Promise<void>((resolve) => server.close(() => resolve())));
  return server;
}

async function ports(): Promise<{ PORT: string; REDIS_PORT: string; SANDBOX_PORT: string; REDIS_DATA_DIR: string }> {
  return {
    PORT: String(await freePort()),
    REDIS_PORT: String(await freePort()),
    SANDBOX_PORT: String(await freePort()),
    REDIS_DATA_DIR: mkdtempSync(join(tmpdir(), 'rob-start-')),
  };
}

describe('npm start', () => {
  it('starts Redis, the sandbox, workers and the ingress; the README curl cancels order 496; Ctrl-C exits 0', async () => {
    const env = await ports();
    const port = env.PORT;
    const run = start({ ...basics(), ...env, ADMIN_TOKEN: 'admin-secret-0123456789' });
    await waitFor('the start banner', () => run.output().includes('retailops-bridge is running'));
    const output = run.output();
    expect(output).toContain(`http://127.0.0.1:${port}`);
    expect(output).toContain(`http://127.0.0.1:${port}/metrics`);
    expect(output).toContain(`http://127.0.0.1:${port}/admin/queues`);
    expect(output).toContain(`REDIS_URL=redis://127.0.0.1:${env.REDIS_PORT} npm run ops -- queues`);
    // No operator token configured: the SDK's public test key is the one to try.
    expect(output).toContain('Bearer RETAILOPS_SDK');
    expect(output).not.toContain('admin-secret-0123456789');

    const response = await fetch(`http://127.0.0.1:${port}/order_cancel`, {
      method: 'POST',
      headers: { authorization: 'Bearer RETAILOPS_SDK', 'content-type': 'application/json' },
      body: JSON.stringify({ version: 1, action: 'order_cancel', data: { order: { channel_refnum: 496 }, channel: { id: 21 } } }),
    });
    expect(response.status).toBe(200);
    let calls: { kind: string; orderNumber: string }[] = [];
    for (let attempt = 0; attempt < 100 && !calls.some((call) => call.kind === 'cancel'); attempt += 1) {
      calls = ((await (await fetch(`http://127.0.0.1:${env.SANDBOX_PORT}/_sandbox/calls`)).json()) as { calls: typeof calls }).calls;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(calls).toContainEqual(expect.objectContaining({ kind: 'cancel', orderNumber: '496' }));
    expect(readdirSync(env.REDIS_DATA_DIR).length).toBeGreaterThan(0); // appendonly data on disk

    run.child.kill('SIGINT');
    expect((await run.closed).code).toBe(0);
    expect(await portIsFree(Number(env.REDIS_PORT))).toBe(true);
  }, 60_000);

  it('SIGTERM to `npm start` stops everything and logs "stopped"; the banner never shows a configured token', async () => {
    const env = await ports();
    const run = npmStart({ ...basics(), ...env, RETAILOPS_AUTH_TOKENS: 'operator-token-s3cret' });
    await waitFor('the start banner', () => run.output().includes('retailops-bridge is running'));
    expect(run.output()).toContain("'Authorization: Bearer <your token>'");
    expect(run.output()).toContain('dashboard       off (set ADMIN_TOKEN');
    const redisPid = redisPidOf(run.output());
    expect(alive(redisPid)).toBe(true);

    // npm signals only its `sh -c`, which dies without passing it on: the launcher must notice on its own.
    run.child.kill('SIGTERM');
    await waitFor('the "stopped" line', () => jsonLines(run.output()).some((line) => line['msg'] === 'stopped'));
    await waitFor('redis-server to exit', () => !alive(redisPid), 10_000);
    for (const variable of ['PORT', 'SANDBOX_PORT', 'REDIS_PORT'] as const) {
      await waitFor(`${variable} to be free`, () => portIsFree(Number(env[variable])), 10_000);
    }
    expect(run.output()).not.toContain('operator-token-s3cret');
    // Every line but npm's header and the banner is pino JSON.
    expect(() => jsonLines(run.output())).not.toThrow();
  }, 60_000);

  it('SIGTERM to the launcher exits 0 after a final "stopped" line', async () => {
    const env = await ports();
    const run = start({ ...basics(), ...env, LOG_LEVEL: 'info' });
    await waitFor('the start banner', () => run.output().includes('retailops-bridge is running'));
    const redisPid = redisPidOf(run.output());
    run.child.kill('SIGTERM');
    expect((await run.closed).code).toBe(0);
    expect(jsonLines(run.output()).at(-1)).toMatchObject({ msg: 'stopped', reason: 'SIGTERM' });
    expect(alive(redisPid)).toBe(false);
  }, 60_000);

  it('SIGHUP to the launcher reloads channels rather than stopping: without CHANNELS_FILE there is nothing to reload', async () => {
    const env = await ports();
    const run = start({ ...basics(), ...env });
    await waitFor('the start banner', () => run.output().includes('retailops-bridge is running'));
    run.child.kill('SIGHUP');
    await waitFor('the reload answer', () => run.output().includes('channels not reloaded: there is no CHANNELS_FILE'));
    const response = await fetch(`http://127.0.0.1:${env.PORT}/healthz`);
    expect(response.status).toBe(200);
    expect(run.child.exitCode).toBeNull();
    run.child.kill('SIGTERM');
    expect((await run.closed).code).toBe(0);
  }, 60_000);

  it('a launcher killed outright (SIGKILL) does not leave its redis-server behind', async () => {
    const env = await ports();
    const run = start({ ...basics(), ...env, LOG_LEVEL: 'info' });
    await waitFor('the start banner', () => run.output().includes('retailops-bridge is running'));
    const redisPid = redisPidOf(run.output());
    run.child.kill('SIGKILL');
    await run.closed;
    await waitFor('the watchdog to stop redis-server', () => !alive(redisPid), 15_000);
  }, 60_000);

  it('a busy PORT: one line naming PORT, exit 1, no redis-server left running', async () => {
    const env = await ports();
    await listenOn(Number(env.PORT));
    const run = start({ ...basics(), ...env });
    expect((await run.closed).code).toBe(1);
    const lines = jsonLines(run.output());
    expect(lines).toHaveLength(1);
    expect(lines[0]?.['msg']).toContain(`PORT ${env.PORT} is in use`);
    expect(lines[0]?.['msg']).toContain('set PORT to a free port');
    expect(await portIsFree(Number(env.REDIS_PORT))).toBe(true);
  });

  it('a busy SANDBOX_PORT: one line naming SANDBOX_PORT, exit 1', async () => {
    const env = await ports();
    await listenOn(Number(env.SANDBOX_PORT));
    const run = start({ ...basics(), ...env });
    expect((await run.closed).code).toBe(1);
    expect(jsonLines(run.output()).map((line) => line['msg'])).toEqual([expect.stringContaining(`SANDBOX_PORT ${env.SANDBOX_PORT} is in use`)]);
    expect(await portIsFree(Number(env.REDIS_PORT))).toBe(true);
  });

  it('refuses a Redis it did not start on REDIS_PORT, and writes nothing to it', async () => {
    const env = await ports();
    // Another application's Redis (or an orphan of an earlier run) already answers on REDIS_PORT.
    const foreign: RunningRedisServer = await startRedisServer({ port: Number(env.REDIS_PORT), dataDir: null });
    cleanups.push(() => foreign.stop());
    const run = start({ ...basics(), ...env });
    expect((await run.closed).code).toBe(1);
    const lines = jsonLines(run.output());
    expect(lines).toHaveLength(1);
    expect(lines[0]?.['msg']).toMatch(new RegExp(`^REDIS_PORT ${env.REDIS_PORT} is in use .*REDIS_URL`));
    const probe = new Redis(foreign.url);
    cleanups.push(() => void probe.disconnect());
    expect(await probe.dbsize()).toBe(0);
  });

  it.each(['http://127.0.0.1:6379', 'notaurl'])('REDIS_URL=%s: one line naming REDIS_URL, exit 1', async (url) => {
    const run = start({ ...basics(), REDIS_URL: url, PORT: String(await freePort()), SANDBOX_PORT: String(await freePort()) });
    expect((await run.closed).code).toBe(1);
    const lines = jsonLines(run.output());
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({ level: 60, msg: expect.stringContaining('REDIS_URL: must be a redis:// or rediss:// URL') });
  });

  it('an unreachable REDIS_URL: gives up with a few JSON lines, the last naming REDIS_URL, and no password', async () => {
    const url = `redis://:pa55-w0rd@127.0.0.1:${await freePort()}`;
    const run = start({ ...basics(), REDIS_URL: url, LOG_LEVEL: 'info', PORT: String(await freePort()), SANDBOX_PORT: String(await freePort()) });
    expect((await run.closed).code).toBe(1);
    const lines = jsonLines(run.output());
    expect(lines.length).toBeLessThanOrEqual(6);
    expect(lines.at(-1)).toMatchObject({ level: 60, msg: expect.stringMatching(/^REDIS_URL redis:\/\/:\*\*\*@127\.0\.0\.1:\d+ is not reachable/) });
    expect(run.output()).not.toContain('pa55-w0rd');
  }, 45_000);

  it('says how to get Redis when redis-server is missing', async () => {
    // A PATH with node alone: redis-server sits beside node in /usr/bin on Debian, so the directory cannot be used.
    const bin = mkdtempSync(join(tmpdir(), 'rob-path-'));
    symlinkSync(process.execPath, join(bin, 'node'));
    const run = start({ PATH: bin, REDIS_PORT: String(await freePort()) });
    expect((await run.closed).code).toBe(1);
    expect(run.output()).toContain('redis-server is not installed');
    expect(run.output()).toContain('REDIS_URL');
  });
});
