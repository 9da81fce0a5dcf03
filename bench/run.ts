// npm run bench [-- --quick] [--only name[,name…]] [--profile] [--out dir]
// Runs the benchmarks one after another, each against its own redis-server and services, writes
// bench/results/<name>.json (quick: bench/results/quick/) and prints one summary line per figure.
import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { ingressAck } from './ingress-ack.js';
import { inventory } from './inventory.js';
import { latencyBound } from './latency-bound.js';
import { machine, machineLoad, summaryLine, writeResult, type Benchmark } from './lib/report.js';
import { closeAllScopes } from './lib/scope.js';
import { ROOT, compileServices } from './lib/services.js';
import { memory } from './memory.js';
import { orderFetch } from './order-fetch.js';
import { pipeline } from './pipeline.js';
import { scaling } from './scaling.js';

const BENCHMARKS: readonly Benchmark[] = [ingressAck, pipeline, latencyBound, orderFetch, memory, inventory, scaling];

function parseArgs(argv: readonly string[]): { quick: boolean; only: string[]; profile: boolean; out: string | undefined } {
  const only: string[] = [];
  let quick = false;
  let profile = false;
  let out: string | undefined;
  for (let i = 0; i < argv.length; i += 1) {
    const arg = argv[i] as string;
    if (arg === '--quick') quick = true;
    else if (arg === '--profile') profile = true;
    else if (arg === '--out') out = resolve(argv[++i] ?? '.');
    else if (arg === '--only') only.push(...(argv[++i] ?? '').split(','));
    else if (arg.startsWith('--only=')) only.push(...arg.slice('--only='.length).split(','));
    else if (arg === '--help' || arg === '-h') {
      console.log('usage: npm run bench -- [--quick] [--only name[,name…]] [--profile] [--out dir]');
      console.log('  --quick    shrunk durations and counts (under a minute in all; what CI runs)');
      console.log('  --only     run these benchmarks only');
      console.log('  --profile  --cpu-prof the ingress and worker processes into bench/profiles/ (see bench/profile-summary.ts)');
      console.log('  --out      write the JSON results there instead of bench/results/ (experiments)');
      console.log('  BENCH_SERVICE_ENV=\'{"LOG_LEVEL":"warn"}\' adds variables to the ingress and worker environment');
      console.log(`benchmarks: ${BENCHMARKS.map((bench) => bench.name).join(', ')}`);
      process.exit(0);
    } else throw new Error(`unknown argument ${arg} (try --help)`);
  }
  const unknown = only.filter((name) => name !== '' && !BENCHMARKS.some((bench) => bench.name === name));
  if (unknown.length > 0) throw new Error(`unknown benchmark(s) ${unknown.join(', ')}; known: ${BENCHMARKS.map((bench) => bench.name).join(', ')}`);
  return { quick, only: only.filter((name) => name !== ''), profile, out };
}

async function main(): Promise<number> {
  const args = parseArgs(process.argv.slice(2));
  const selected = BENCHMARKS.filter((bench) => args.only.length === 0 || args.only.includes(bench.name));
  const m = machine();
  console.log(
    `retailops-bridge benchmarks${args.quick ? ' (quick)' : ''}: ${selected.map((bench) => bench.name).join(', ')} on ${m.cores} cores (${m.cpu}), ` +
      `${m.memoryGiB} GiB, Node ${m.node}, Redis ${m.redis}, load ${machineLoad().loadavg1m}`,
  );
  let nodeArgs: string[] | undefined;
  if (args.profile) {
    const dir = join(ROOT, 'bench', 'profiles');
    mkdirSync(dir, { recursive: true });
    nodeArgs = ['--cpu-prof', `--cpu-prof-dir=${dir}`];
    console.log(`CPU profiles of the services under test go to ${dir}`);
  }
  const started = performance.now();
  console.log((await compileServices()).message);
  let failures = 0;
  for (const bench of selected) {
    if (interrupted) break;
    const benchStarted = performance.now();
    const before = machineLoad();
    console.log(`\n== ${bench.name}: ${bench.title}`);
    try {
      const result = await bench.run({ quick: args.quick, ...(nodeArgs ? { nodeArgs } : {}) });
      const seconds = Math.round((performance.now() - benchStarted) / 100) / 10;
      for (const figure of result.figures) console.log(summaryLine(bench.name, figure));
      const stored = { ...result, quick: args.quick, date: new Date().toISOString(), seconds, machine: m, load: { before, after: machineLoad() } };
      const file = writeResult(args.out ? { ...stored, experiment: process.env['BENCH_SERVICE_ENV'] ?? null } : stored, args.out);
      console.log(`${bench.name}: ${seconds} s, results in ${file}`);
    } catch (error) {
      failures += 1;
      console.error(`${bench.name} FAILED:`, error);
    }
  }
  const total = Math.round((performance.now() - started) / 100) / 10;
  console.log(`\n${selected.length - failures}/${selected.length} benchmarks ran in ${total} s`);
  return failures === 0 ? 0 : 1;
}

let interrupted = false;
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    interrupted = true;
    console.error(`\n${signal}: stopping everything the benchmarks started`);
    void closeAllScopes().finally(() => process.exit(130));
  });
}

main().then(
  async (code) => {
    await closeAllScopes();
    process.exit(code);
  },
  async (error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    await closeAllScopes();
    process.exit(1);
  },
);
