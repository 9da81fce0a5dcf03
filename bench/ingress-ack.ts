// 1. Ingress acknowledgement: autocannon (64 connections) against the real ingress posting seed 000's cancel (with
// its ticket, a distinct order per request), beside a bare Fastify route doing one BullMQ queue.add of the same body
// (the baseline) and a bare route with no Redis at all (the ceiling), each in its own process against this
// benchmark's own redis-server. The machine is shared, so the three are measured in alternating rounds (each round
// runs all three, in a rotating order) and each gets the same total measured time after its own warm-up.
import { Queue } from 'bullmq';
import { load, type LoadResult } from './lib/load.js';
import { SeedCancel } from './lib/payloads.js';
import type { BenchOptions, BenchResult, Benchmark, Figure } from './lib/report.js';
import { withScope } from './lib/scope.js';
import { cpuMeter, startBareHttp, startIngressChild, startRedis, uniquePrefix, type BenchRedis, type Child } from './lib/services.js';
import { median, round } from './lib/util.js';

const TARGETS = ['baseline', 'ingress', 'ceiling'] as const;
type Target = (typeof TARGETS)[number];

export function settings(quick: boolean) {
  return quick
    ? { connections: 64, warmupSeconds: 1, rounds: 1, roundSeconds: 1.5 }
    : { connections: 64, warmupSeconds: 5, rounds: 4, roundSeconds: 5 };
}

interface Aggregate {
  readonly requestsPerSecond: number;
  /** Medians over the rounds of each round's percentile. */
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly p999Ms: number;
  readonly ok: number;
  readonly errors: number;
  readonly seconds: number;
  /** CPU time per 200 response, of the server process and of redis-server, over the measured rounds. */
  readonly cpuMsPerRequest: { readonly server: number; readonly redis: number };
  /** Jobs in Redis after the runs (every 200 must have stored one); null for the ceiling. */
  readonly jobsStored: number | null;
}

async function jobsStored(redis: BenchRedis, prefix: string): Promise<number> {
  const queue = new Queue('cancel', { connection: redis.client, prefix });
  try {
    const counts = await queue.getJobCounts('waiting', 'active', 'completed', 'failed', 'delayed', 'prioritized');
    return Object.values(counts).reduce((sum, count) => sum + count, 0);
  } finally {
    await queue.close();
  }
}

function aggregate(rounds: readonly LoadResult[], cpu: { server: number; redis: number }, stored: number | null): Aggregate {
  const ok = rounds.reduce((sum, run) => sum + run.ok, 0);
  const seconds = rounds.reduce((sum, run) => sum + run.seconds, 0);
  return {
    cpuMsPerRequest: { server: round((cpu.server * 1000) / ok, 3), redis: round((cpu.redis * 1000) / ok, 3) },
    requestsPerSecond: ok / seconds,
    p50Ms: median(rounds.map((run) => run.p50Ms)),
    p99Ms: median(rounds.map((run) => run.p99Ms)),
    p999Ms: median(rounds.map((run) => run.p999Ms)),
    ok,
    errors: rounds.reduce((sum, run) => sum + run.errors, 0),
    seconds,
    jobsStored: stored,
  };
}

export const ingressAck: Benchmark = {
  name: 'ingress-ack',
  title: 'Ingress acknowledgement',
  async run({ quick, nodeArgs }: BenchOptions): Promise<BenchResult> {
    const config = settings(quick);
    return withScope('ingress-ack', async (scope) => {
      const redis = await startRedis(scope);
      const seed = new SeedCancel();
      const services = {} as Record<Target, { url: string; child: Child; prefix: string }>;
      for (const target of TARGETS) {
        const prefix = uniquePrefix();
        const service =
          target === 'ingress'
            ? await startIngressChild(scope, { redisUrl: redis.url, prefix, ...(nodeArgs ? { nodeArgs } : {}) })
            : await startBareHttp(scope, target === 'baseline' ? 'add' : 'route', { redisUrl: redis.url, prefix });
        services[target] = { ...service, prefix };
      }
      // Distinct refnums for every request of every run: no request is a redelivery of another.
      let first = 1_000_000;
      const cpu: Record<Target, { server: number; redis: number }> = {
        baseline: { server: 0, redis: 0 },
        ingress: { server: 0, redis: 0 },
        ceiling: { server: 0, redis: 0 },
      };
      const run = async (target: Target, seconds: number, measured = true): Promise<LoadResult> => {
        const meter = cpuMeter({ server: services[target].child.pid, redis: redis.pid });
        await meter.start();
        const result = await load({ url: services[target].url, connections: config.connections, duration: seconds, requests: [seed.request(first)] });
        const used = await meter.stop();
        if (measured) {
          cpu[target].server += used['server'] ?? 0;
          cpu[target].redis += used['redis'] ?? 0;
        }
        first += 10_000_000;
        return result;
      };
      const warmups = {} as Record<Target, LoadResult>;
      for (const target of TARGETS) warmups[target] = await run(target, config.warmupSeconds, false);
      const before = { baseline: await jobsStored(redis, services.baseline.prefix), ingress: await jobsStored(redis, services.ingress.prefix) };
      const rounds: Record<Target, LoadResult[]> = { baseline: [], ingress: [], ceiling: [] };
      for (let round = 0; round < config.rounds; round += 1) {
        for (let index = 0; index < TARGETS.length; index += 1) {
          const target = TARGETS[(index + round) % TARGETS.length] as Target;
          rounds[target].push(await run(target, config.roundSeconds));
        }
      }
      const results: Record<Target, Aggregate> = {
        baseline: aggregate(rounds.baseline, cpu.baseline, (await jobsStored(redis, services.baseline.prefix)) - before.baseline),
        ingress: aggregate(rounds.ingress, cpu.ingress, (await jobsStored(redis, services.ingress.prefix)) - before.ingress),
        ceiling: aggregate(rounds.ceiling, cpu.ceiling, null),
      };
      return { name: 'ingress-ack', title: 'Ingress acknowledgement', figures: figures(results), details: { settings: config, results, rounds, warmups } };
    });
  },
};

function figures({ ingress, baseline, ceiling }: Record<Target, Aggregate>): Figure[] {
  const bare = { label: 'baseline (bare route + queue.add)' };
  const p99Ratio = ingress.p99Ms / baseline.p99Ms;
  return [
    {
      figure: 'ingress requests/s',
      value: ingress.requestsPerSecond,
      unit: 'req/s',
      baseline: { ...bare, value: baseline.requestsPerSecond },
      ratio: ingress.requestsPerSecond / baseline.requestsPerSecond,
      // Every guarantee (auth, validation, dedup, lanes, rate limit, events, archive) for at most 30 % of the rate.
      target: '>= 0.7x baseline',
      met: ingress.requestsPerSecond >= 0.7 * baseline.requestsPerSecond,
    },
    {
      figure: 'ingress p99 latency',
      value: ingress.p99Ms,
      unit: 'ms',
      baseline: { ...bare, value: baseline.p99Ms },
      ratio: p99Ratio,
      target: '<= 1.5x baseline p99',
      met: p99Ratio <= 1.5,
    },
    { figure: 'ingress p50 latency', value: ingress.p50Ms, unit: 'ms', baseline: { ...bare, value: baseline.p50Ms }, ratio: ingress.p50Ms / baseline.p50Ms },
    { figure: 'ingress p99.9 latency', value: ingress.p999Ms, unit: 'ms', baseline: { ...bare, value: baseline.p999Ms }, ratio: ingress.p999Ms / baseline.p999Ms },
    {
      figure: 'ingress errors (socket, timeout, non-2xx)',
      value: ingress.errors,
      unit: 'errors',
      baseline: { ...bare, value: baseline.errors },
      note: `${ingress.ok} x 200 in ${Math.round(ingress.seconds)} s, ${ingress.jobsStored} jobs stored`,
    },
    {
      figure: 'ingress CPU per request (its own process)',
      value: ingress.cpuMsPerRequest.server,
      unit: 'ms',
      baseline: { ...bare, value: baseline.cpuMsPerRequest.server },
      ratio: ingress.cpuMsPerRequest.server / baseline.cpuMsPerRequest.server,
      note:
        `redis-server ${ingress.cpuMsPerRequest.redis} ms (baseline ${baseline.cpuMsPerRequest.redis} ms); ` +
        `ceiling ${ceiling.cpuMsPerRequest.server} ms; one core at this cost serves ~${Math.round(1000 / ingress.cpuMsPerRequest.server)} req/s`,
    },
    {
      figure: 'ingress requests/s vs ceiling',
      value: ingress.requestsPerSecond,
      unit: 'req/s',
      baseline: { label: 'ceiling (bare route, no Redis)', value: ceiling.requestsPerSecond },
      ratio: ingress.requestsPerSecond / ceiling.requestsPerSecond,
      note: `ceiling p50 ${ceiling.p50Ms} ms, p99 ${ceiling.p99Ms} ms, p99.9 ${ceiling.p999Ms} ms, ${ceiling.errors} errors`,
    },
    {
      figure: 'baseline requests/s vs ceiling',
      value: baseline.requestsPerSecond,
      unit: 'req/s',
      baseline: { label: 'ceiling (bare route, no Redis)', value: ceiling.requestsPerSecond },
      ratio: baseline.requestsPerSecond / ceiling.requestsPerSecond,
      note: `baseline p50 ${baseline.p50Ms} ms, p99 ${baseline.p99Ms} ms, p99.9 ${baseline.p999Ms} ms`,
    },
  ];
}
