import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { machine, machineLoad, machineTag, type Machine } from './machine.js';
import { round } from './util.js';

/** One measured figure, optionally beside the baseline measured in the same run and a target. */
export interface Figure {
  readonly figure: string;
  readonly value: number;
  readonly unit: string;
  readonly baseline?: { readonly label: string; readonly value: number };
  /** value / baseline (or the ratio the target is stated in). */
  readonly ratio?: number;
  readonly target?: string;
  /** undefined when the figure has no target of its own. */
  readonly met?: boolean;
  readonly note?: string;
}

export interface BenchOptions {
  readonly quick: boolean;
  /** Extra node flags for the services under test (ingress, workers): `--cpu-prof …` with `--profile`. */
  readonly nodeArgs?: readonly string[];
}

export interface BenchResult {
  readonly name: string;
  readonly title: string;
  readonly figures: Figure[];
  /** Everything else worth keeping: raw autocannon results, samples, settings. */
  readonly details: Record<string, unknown>;
}

export interface Benchmark {
  readonly name: string;
  readonly title: string;
  run(options: BenchOptions): Promise<BenchResult>;
}

const RESULTS = fileURLToPath(new URL('../results/', import.meta.url));

function formatNumber(value: number): string {
  if (!Number.isFinite(value)) return String(value);
  if (Math.abs(value) >= 100) return String(Math.round(value));
  return String(round(value, 2));
}

export function summaryLine(bench: string, figure: Figure): string {
  const parts = [`${bench} | ${figure.figure}: ${formatNumber(figure.value)} ${figure.unit}`];
  if (figure.baseline) parts.push(`${figure.baseline.label}: ${formatNumber(figure.baseline.value)}`);
  if (figure.ratio !== undefined) parts.push(`ratio ${round(figure.ratio, 2)}x`);
  if (figure.target) parts.push(`target ${figure.target}${figure.met === undefined ? '' : figure.met ? ' MET' : ' MISSED'}`);
  if (figure.note) parts.push(figure.note);
  return `${parts.join(' | ')} ${machineTag()}`;
}

export interface StoredResult extends BenchResult {
  readonly quick: boolean;
  readonly date: string;
  readonly seconds: number;
  readonly machine: Machine;
  readonly load: { readonly before: ReturnType<typeof machineLoad>; readonly after: ReturnType<typeof machineLoad> };
  /** BENCH_SERVICE_ENV of an experiment run (--out). */
  readonly experiment?: string | null;
}

/** Writes bench/results/<name>.json (quick runs: bench/results/quick/), or into `outDir` when given. */
export function writeResult(result: StoredResult, outDir?: string): string {
  const dir = outDir ?? (result.quick ? join(RESULTS, 'quick') : RESULTS);
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `${result.name}.json`);
  writeFileSync(file, `${JSON.stringify(result, null, 2)}\n`);
  return file;
}

export { machine, machineLoad };
