import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import type { Stack } from './stack.js';

const root = join(import.meta.dirname, '..', '..');

export interface ServiceProcess {
  /** The entry point it runs, e.g. `workers/main.ts`. */
  readonly entry: string;
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

export type WorkerProcess = ServiceProcess;

/**
 * A service (`workers/main.ts`, `ingress/main.ts`) as a real child process: node with tsx's loader, one process, so
 * that a signal reaches the service itself (the tsx CLI would run it in a grandchild that a SIGKILL to the CLI leaves
 * running).
 */
export function spawnService(entry: string, env: Record<string, string>): ServiceProcess {
  const child = spawn(process.execPath, ['--import', 'tsx', entry], { cwd: root, env, stdio: ['ignore', 'pipe', 'pipe'] });
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
  return { entry, child, lines, exited, kill: (signal) => void child.kill(signal) };
}

/** `npm run worker` as a real child process. */
export function spawnWorker(env: Record<string, string>): WorkerProcess {
  return spawnService('workers/main.ts', env);
}

export async function waitForLine(service: ServiceProcess, message: string, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!service.lines.some((line) => line['msg'] === message)) {
    if (Date.now() > deadline) throw new Error(`${service.entry} did not log "${message}"`);
    if (service.child.exitCode !== null) throw new Error(`${service.entry} exited (${service.child.exitCode}) before logging "${message}"`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
