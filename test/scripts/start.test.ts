import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readdirSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { freePort } from '../../scripts/redis-server.js';

/** The README's first command: `npm start` runs the whole stack on embedded defaults and stops cleanly on Ctrl-C. */
const root = join(import.meta.dirname, '..', '..');
const children: ChildProcess[] = [];

afterEach(() => {
  for (const child of children.splice(0)) if (child.exitCode === null) child.kill('SIGKILL');
});

function start(env: Record<string, string>): { child: ChildProcess; output: () => string; exited: Promise<number | null> } {
  // node with tsx's loader (what `npm start` runs), as one process, so that signals reach it directly.
  const child = spawn(process.execPath, ['--import', 'tsx', 'scripts/start.ts'], { cwd: root, env: { ...env, LOG_LEVEL: 'warn' }, stdio: ['ignore', 'pipe', 'pipe'] });
  children.push(child);
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { child, output: () => output, exited };
}

async function waitFor(what: string, check: () => boolean, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

describe('npm start', () => {
  it('starts Redis, the sandbox, workers and the ingress; the README curl cancels order 496; Ctrl-C exits 0', async () => {
    const [port, redisPort, sandboxPort] = [await freePort(), await freePort(), await freePort()];
    const dataDir = mkdtempSync(join(tmpdir(), 'rob-start-'));
    const run = start({ PATH: process.env['PATH'] ?? '', PORT: String(port), REDIS_PORT: String(redisPort), SANDBOX_PORT: String(sandboxPort), REDIS_DATA_DIR: dataDir });
    await waitFor('the start banner', () => run.output().includes('retailops-bridge is running'));
    expect(run.output()).toContain(`http://127.0.0.1:${port}`);

    const response = await fetch(`http://127.0.0.1:${port}/order_cancel`, {
      method: 'POST',
      headers: { authorization: 'Bearer RETAILOPS_SDK', 'content-type': 'application/json' },
      body: JSON.stringify({ version: 1, action: 'order_cancel', data: { order: { channel_refnum: 496 }, channel: { id: 21 } } }),
    });
    expect(response.status).toBe(200);
    let calls: { kind: string; orderNumber: string }[] = [];
    for (let attempt = 0; attempt < 100 && !calls.some((call) => call.kind === 'cancel'); attempt += 1) {
      calls = ((await (await fetch(`http://127.0.0.1:${sandboxPort}/_sandbox/calls`)).json()) as { calls: typeof calls }).calls;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(calls).toContainEqual(expect.objectContaining({ kind: 'cancel', orderNumber: '496' }));
    expect(readdirSync(dataDir).length).toBeGreaterThan(0); // appendonly data on disk

    run.child.kill('SIGINT');
    expect(await run.exited).toBe(0);
  }, 60_000);

  it('says how to get Redis when redis-server is missing', async () => {
    // A PATH with node alone: redis-server sits beside node in /usr/bin on Debian, so the directory cannot be used.
    const bin = mkdtempSync(join(tmpdir(), 'rob-path-'));
    symlinkSync(process.execPath, join(bin, 'node'));
    const run = start({ PATH: bin, REDIS_PORT: String(await freePort()) });
    expect(await run.exited).toBe(1);
    expect(run.output()).toContain('redis-server is not installed');
    expect(run.output()).toContain('REDIS_URL');
  });
});
