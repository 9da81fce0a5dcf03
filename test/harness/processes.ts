import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import type { Stack } from './stack.js';

const root = join(import.meta.dirname, '..', '..');

export interface WorkerProcess {
  readonly child: ChildProcess;
  /** Every JSON log line the process wrote. */
  readonly lines: Record<string, unknown>[];
  readonly exited: Promise<number | null>;
  kill(signal: NodeJS.Signals): void;
}

/** The environment a worker process needs to join a test stack: the stack's own, plus PATH and `extra`. */
export function workerEnv(stack: Stack, extra: Record<string, string> = {}): Record<string, string> {
  return { PATH: process.env['PATH'] ?? '', ...stack.env, ...extra };
}

/**
 * `npm run worker` as a real child process: node with tsx's loader, one process, so that a signal reaches the worker
 * itself (the tsx CLI would run it in a grandchild that a SIGKILL to the CLI leaves running).
 */
export function spawnWorker(env: Record<string, string>): WorkerProcess {
  const child = spawn(process.execPath, ['--import', 'tsx', 'workers/main.ts'], { cwd: root, env, stdio: ['ignore', 'pipe', 'pipe'] });
  const lines: Record<string, unknown>[] = [];
  let buffer = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    buffer += chunk.toString();
    const parts = buffer.split('\n');
    buffer = parts.pop() ?? '';
    for (const part of parts) {
      try {
        lines.push(JSON.parse(part) as Record<string, unknown>);
      } catch {
        // not a log line
      }
    }
  });
  child.stderr?.on('data', () => undefined);
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { child, lines, exited, kill: (signal) => void child.kill(signal) };
}

export async function waitForLine(worker: WorkerProcess, message: string, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!worker.lines.some((line) => line['msg'] === message)) {
    if (Date.now() > deadline) throw new Error(`worker did not log "${message}"`);
    if (worker.child.exitCode !== null) throw new Error(`worker exited (${worker.child.exitCode}) before logging "${message}"`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
