import { spawnSync } from 'node:child_process';
import { cpus, freemem, loadavg, totalmem } from 'node:os';

export interface Machine {
  readonly cores: number;
  readonly cpu: string;
  readonly memoryGiB: number;
  readonly node: string;
  readonly redis: string;
  readonly platform: string;
}

let cached: Machine | undefined;

/** The machine every figure was measured on: printed on each summary line and stored with each result. */
export function machine(): Machine {
  if (cached) return cached;
  const version = spawnSync('redis-server', ['--version'], { encoding: 'utf8' }).stdout ?? '';
  cached = {
    cores: cpus().length,
    cpu: cpus()[0]?.model.trim() ?? 'unknown',
    memoryGiB: Math.round((totalmem() / 2 ** 30) * 10) / 10,
    node: process.version,
    redis: /v=(\S+)/.exec(version)?.[1] ?? 'unknown',
    platform: `${process.platform}-${process.arch}`,
  };
  return cached;
}

export function machineTag(): string {
  const m = machine();
  return `[${m.cores} cores, Node ${m.node}, Redis ${m.redis}]`;
}

/** Load and free memory at a moment: the machine is shared, so each result records how busy it was. */
export function machineLoad(): { loadavg1m: number; freeMemoryGiB: number } {
  return { loadavg1m: Math.round((loadavg()[0] ?? 0) * 100) / 100, freeMemoryGiB: Math.round((freemem() / 2 ** 30) * 10) / 10 };
}
