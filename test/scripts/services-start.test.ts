import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { freePort, startRedisServer } from '../../scripts/redis-server.js';

/**
 * `npm run ingress` and `npm run worker` with a Redis that does not answer: they give up at start with one JSON line
 * naming REDIS_URL instead of retrying for ever (a Redis outage after start is waited out: test/e2e/redis-outage).
 */
const root = join(import.meta.dirname, '..', '..');

async function run(entry: string, env: Record<string, string>): Promise<{ code: number | null; output: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', entry], { cwd: root, env: { PATH: process.env['PATH'] ?? '', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const code = await new Promise<number | null>((resolve) => child.once('close', (exitCode) => resolve(exitCode)));
  return { code, output };
}

describe('services started against an unreachable REDIS_URL', () => {
  it.concurrent.each(['ingress/main.ts', 'workers/main.ts'])('%s exits 1 with a few JSON lines, the last naming REDIS_URL', async (entry) => {
    const result = await run(entry, { REDIS_URL: `redis://127.0.0.1:${await freePort()}`, PORT: String(await freePort()) });
    expect(result.code).toBe(1);
    const lines = result.output.split('\n').filter((line) => line.trim() !== '');
    expect(lines.length).toBeLessThanOrEqual(3);
    const parsed = lines.map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(parsed.at(-1)).toMatchObject({ level: 60, msg: expect.stringMatching(/^REDIS_URL redis:\/\/127\.0\.0\.1:\d+ is not reachable/) });
  }, 45_000);

  it('a busy PORT stops the ingress with one line naming PORT', async () => {
    const redis = await startRedisServer({ port: await freePort(), dataDir: null });
    try {
      // The port redis-server listens on is as busy as any.
      const result = await run('ingress/main.ts', { REDIS_URL: redis.url, PORT: String(redis.port) });
      expect(result.code).toBe(1);
      const lines = result.output.split('\n').filter((line) => line.trim() !== '');
      expect(lines.map((line) => (JSON.parse(line) as { msg: string }).msg)).toEqual([`PORT ${redis.port} is in use by another process: set PORT to a free port`]);
    } finally {
      await redis.stop();
    }
  });
});
