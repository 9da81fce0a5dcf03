// 6. Inventory push: one inventory_push_v1 of a whole catalogue (10,000 skus, each known to fabric) posted to the real
// ingress, split into jobs on the inventory queue by lanes and written by a real worker process, one find-and-update
// per sku, to the sandbox (no latency). Twice: with no fabric call budget (FABRIC_RATE_LIMIT_PER_SECOND=0: how fast
// the bridge itself can go) and with one (200 calls/s, of which FABRIC_INVENTORY_SHARE 0.5 for inventory: what a
// tenant's budget lets through, which must hold in every second). During the budgeted push, order cancels are sent
// at a steady pace and timed through to fabric, beside the same cancels on the idle system before it: orders must
// not queue behind a push. Every rate and time is read from the sandbox's ledger, where each write arrived.
import type { Queue } from 'bullmq';
import type { LedgerEntry } from '../sandbox/client.js';
import { arrivalGaps, cancelArrivals, inventoryWrites, maxInWindow, perSecond, rateBetweenFirstAndLast, windowsOver } from './lib/ledger.js';
import { INVENTORY_MAPPING_ENV, benchSkus, finishedJobs, postInventoryPush, seedCatalogue, waitUntilDrained, type PushAnswer } from './lib/inventory.js';
import { createSandboxOrders } from './lib/orders.js';
import type { BenchOptions, BenchResult, Benchmark, Figure } from './lib/report.js';
import { withScope, type Scope } from './lib/scope.js';
import { benchQueue, cpuMeter, startIngressChild, startRedis, startSandboxChild, startWorkerChildren, uniquePrefix, type BenchRedis, type Child, type RunningSandbox } from './lib/services.js';
import { cancelLatency, sendCancels, type CancelLatency, type SentCancel } from './lib/timed-cancels.js';
import { round } from './lib/util.js';

/** The budgeted run: the tenant's calls per second and the share of them inventory writes may take. */
const BUDGET = { perSecond: 200, inventoryShare: 0.5 } as const;
/** As shared/fabric/clients.ts derives it: the inventory share, at least one call a second. */
const ALLOWED_WRITES_PER_SECOND = Math.max(1, Math.floor(BUDGET.perSecond * BUDGET.inventoryShare));
/** The limiter's documented bound: calls start 1/rate apart, so a one-second span holds at most rate + 1. */
const WINDOW_BOUND = ALLOWED_WRITES_PER_SECOND + 1;
/** Orders keep priority: a cancel during a push takes at most this many times what it takes on the idle system. */
const ORDER_LATENCY_BOUND = 2;

export function settings(quick: boolean) {
  // Quick: the budgeted push is cut to 4 s of writes; the budget itself stays, so the window check is the same one.
  // The no-budget run is warmed up with a push of the measured size: a fresh worker process takes ~2 s of writes to
  // reach its pace (a second 10,000-sku push ran in 3.4 s where the first took 6), and a deployed worker is warm.
  // The budgeted run's warm-up is small: its pace is the budget's, and its writes cost budget time.
  return quick
    ? { ceilingSkus: 2_000, budgetSkus: 400, warmupSkus: { ceiling: 500, budget: 50 }, cancels: 4, idleCancelSpacingMs: 100, budget: BUDGET }
    : { ceilingSkus: 10_000, budgetSkus: 10_000, warmupSkus: { ceiling: 10_000, budget: 200 }, cancels: 30, idleCancelSpacingMs: 100, budget: BUDGET };
}

type Settings = ReturnType<typeof settings>;

const FIRST_ORDER = 300_000;
const WARMUP_CANCELS = 3;

interface Stage {
  readonly redis: BenchRedis;
  readonly sandbox: RunningSandbox;
  readonly ingressUrl: string;
  readonly ingress: Child;
  readonly prefix: string;
  readonly skus: readonly string[];
  readonly nodeArgs: readonly string[] | undefined;
}

/** One measured push, as the runner saw it: the ledger is read for all of them at the end. */
interface PushTiming {
  readonly skus: number;
  readonly answer: PushAnswer;
  /** Date.now() once every part was done: the push's writes arrived between answer.sentAt and this. */
  readonly drainedAt: number;
  readonly jobs: { completed: number; failed: number };
  readonly cpuSeconds: Record<string, number>;
}

/** What one push did, from its timing and the ledger's arrivals. */
interface PushRun {
  readonly skus: number;
  readonly answer: PushAnswer;
  readonly writes: number;
  readonly statuses: Record<string, number>;
  readonly firstWriteAt: number;
  readonly lastWriteAt: number;
  /** Writes per second between the first and the last write, as the sandbox saw them. */
  readonly ledgerRate: number;
  /** Skus per second from sending the push to its last write. */
  readonly endToEndRate: number;
  readonly maxWritesInOneSecond: number;
  /** Windows of one second (one starting at each write) that held more than the limiter's bound. */
  readonly windowsOverBound: number;
  /** The fullest one-second window: when it starts (ms after the first write) and its first arrivals (ms after its start). */
  readonly fullestWindow: { readonly atMs: number | null; readonly head: number[] };
  /** Writes in each second from the first; the gaps between arrivals (ms), and how many were under half the budget's spacing. */
  readonly writesPerSecond: number[];
  readonly gapsMs: ReturnType<typeof arrivalGaps>;
  readonly jobs: { completed: number; failed: number };
  /** Cores each process used while the push ran, and its CPU time per write. */
  readonly cpuShare: Record<string, number>;
  readonly cpuMsPerWrite: Record<string, number>;
}

/** One worker process on the inventory and cancel queues (each its own BullMQ worker, WORKER_CONCURRENCY 10). */
async function startWorker(scope: Scope, stage: Stage, fabricLimit: number): Promise<Child> {
  const [worker] = await startWorkerChildren(scope, stage.redis, {
    redisUrl: stage.redis.url,
    prefix: stage.prefix,
    sandboxUrl: stage.sandbox.url,
    processes: 1,
    concurrency: 10,
    queue: 'inventory,cancel',
    extra: {
      INVENTORY_MAPPING: INVENTORY_MAPPING_ENV,
      FABRIC_RATE_LIMIT_PER_SECOND: String(fabricLimit),
      FABRIC_INVENTORY_SHARE: String(BUDGET.inventoryShare),
    },
    ...(stage.nodeArgs ? { nodeArgs: stage.nodeArgs } : {}),
  });
  if (!worker) throw new Error('no worker process started');
  return worker;
}

/**
 * A fresh worker's first calls fetch fabric's token and compile its code paths; a push and a few cancels take that
 * out of the measured ones.
 */
async function warmUp(stage: Stage, queues: readonly Queue[], warmupSkus: number, firstOrder: number): Promise<void> {
  await postInventoryPush(stage.ingressUrl, stage.skus.slice(0, warmupSkus), () => 1);
  await sendCancels(stage.ingressUrl, Array.from({ length: WARMUP_CANCELS }, (_, index) => firstOrder + index), 20);
  await waitUntilDrained(queues, 60_000);
}

/** Posts a push of `skus` and waits until every part is done (and `during`, run after its answer, has ended). */
async function timePush(stage: Stage, queues: readonly Queue[], worker: Child, skus: readonly string[], during: () => Promise<void>, timeoutMs: number): Promise<PushTiming> {
  const inventoryQueue = queues[0] as Queue;
  const jobsBefore = await finishedJobs(inventoryQueue);
  const cpu = cpuMeter({ ingress: stage.ingress.pid, worker: worker.pid, sandbox: stage.sandbox.child.pid, redis: stage.redis.pid });
  await cpu.start();
  const answer = await postInventoryPush(stage.ingressUrl, skus, (index) => (index % 500) + 2);
  await during();
  await waitUntilDrained(queues, timeoutMs);
  const drainedAt = Date.now();
  const cpuSeconds = await cpu.stop();
  const jobsAfter = await finishedJobs(inventoryQueue);
  return { skus: skus.length, answer, drainedAt, jobs: { completed: jobsAfter.completed - jobsBefore.completed, failed: jobsAfter.failed - jobsBefore.failed }, cpuSeconds };
}

/** The push's writes in the ledger: those that arrived between its request and the end of its last part. */
function analysePush(timing: PushTiming, ledger: readonly LedgerEntry[]): PushRun {
  const writes = inventoryWrites(ledger, timing.answer.sentAt, timing.drainedAt);
  const firstWriteAt = writes.times[0];
  const lastWriteAt = writes.times.at(-1);
  if (firstWriteAt === undefined || lastWriteAt === undefined || writes.times.length < timing.skus) {
    throw new Error(`the push of ${timing.skus} skus reached the sandbox as ${writes.times.length} writes (${JSON.stringify(writes.statuses)})`);
  }
  const seconds = (timing.drainedAt - timing.answer.sentAt) / 1000;
  const fullest = maxInWindow(writes.times);
  return {
    skus: timing.skus,
    answer: timing.answer,
    writes: writes.times.length,
    statuses: writes.statuses,
    firstWriteAt,
    lastWriteAt,
    ledgerRate: rateBetweenFirstAndLast(writes.times),
    endToEndRate: (timing.skus / (lastWriteAt - timing.answer.sentAt)) * 1000,
    maxWritesInOneSecond: fullest.count,
    windowsOverBound: windowsOver(writes.times, WINDOW_BOUND),
    fullestWindow: { atMs: fullest.startsAt === null ? null : fullest.startsAt - firstWriteAt, head: windowHead(writes.times, fullest.startsAt, 8) },
    writesPerSecond: perSecond(writes.times),
    gapsMs: arrivalGaps(writes.times, 1000 / ALLOWED_WRITES_PER_SECOND / 2),
    jobs: timing.jobs,
    cpuShare: Object.fromEntries(Object.entries(timing.cpuSeconds).map(([name, used]) => [name, round(used / seconds)])),
    cpuMsPerWrite: Object.fromEntries(Object.entries(timing.cpuSeconds).map(([name, used]) => [name, round((used * 1000) / writes.times.length, 3)])),
  };
}

function windowHead(times: readonly number[], startsAt: number | null, count: number): number[] {
  if (startsAt === null) return [];
  const from = times.indexOf(startsAt);
  return times.slice(from, from + count).map((time) => time - startsAt);
}

/** No budget at all: the bridge's own ceiling (one ingress, one worker process, the sandbox, on these cores). */
async function runCeiling(stage: Stage, config: Settings, inventoryQueue: Queue, cancelQueue: Queue): Promise<PushTiming> {
  return withScope('inventory ceiling', async (scope) => {
    const worker = await startWorker(scope, stage, 0);
    const queues = [inventoryQueue, cancelQueue];
    await warmUp(stage, queues, config.warmupSkus.ceiling, FIRST_ORDER);
    const timing = await timePush(stage, queues, worker, stage.skus.slice(0, config.ceilingSkus), async () => undefined, 300_000);
    await worker.stop();
    return timing;
  });
}

interface BudgetTiming extends PushTiming {
  readonly idleCancels: SentCancel[];
  readonly cancelsDuringPush: SentCancel[];
}

interface BudgetRun extends PushRun {
  readonly idle: CancelLatency;
  readonly duringPush: CancelLatency;
}

/** The budget on: the push at the inventory share's pace, and cancels timed on the idle system and during the push. */
async function runBudget(stage: Stage, config: Settings, inventoryQueue: Queue, cancelQueue: Queue): Promise<BudgetTiming> {
  return withScope('inventory budget', async (scope) => {
    const worker = await startWorker(scope, stage, BUDGET.perSecond);
    const queues = [inventoryQueue, cancelQueue];
    let nextOrder = FIRST_ORDER + WARMUP_CANCELS;
    await warmUp(stage, queues, config.warmupSkus.budget, nextOrder);
    nextOrder += WARMUP_CANCELS;
    const refnums = () => Array.from({ length: config.cancels }, () => nextOrder++);

    const idleCancels = await sendCancels(stage.ingressUrl, refnums(), config.idleCancelSpacingMs);
    await waitUntilDrained([cancelQueue], 30_000);

    // Spread over the first 80 % of the writes the budget allows, so that every cancel meets the push in full flow.
    const pushMs = (config.budgetSkus / ALLOWED_WRITES_PER_SECOND) * 1000;
    const spacingMs = (pushMs * 0.8) / config.cancels;
    let cancelsDuringPush: SentCancel[] = [];
    const during = async () => {
      cancelsDuringPush = await sendCancels(stage.ingressUrl, refnums(), spacingMs);
    };
    const timing = await timePush(stage, queues, worker, stage.skus.slice(0, config.budgetSkus), during, pushMs * 3 + 60_000);
    await worker.stop();
    return { ...timing, idleCancels, cancelsDuringPush };
  });
}

export const inventory: Benchmark = {
  name: 'inventory',
  title: 'Inventory push: a 10,000-sku inventory_push_v1 through to fabric, with and without a call budget',
  async run({ quick, nodeArgs }: BenchOptions): Promise<BenchResult> {
    const config = settings(quick);
    return withScope('inventory', async (scope) => {
      const redis = await startRedis(scope);
      const sandbox = await startSandboxChild(scope, 0);
      const skus = benchSkus(Math.max(config.ceilingSkus, config.budgetSkus));
      const seeding = performance.now();
      await seedCatalogue(sandbox.client, skus);
      await createSandboxOrders(sandbox.client, FIRST_ORDER, 2 * WARMUP_CANCELS + 2 * config.cancels);
      const seedSeconds = (performance.now() - seeding) / 1000;

      const prefix = uniquePrefix();
      const inventoryQueue = benchQueue(scope, redis, 'inventory', prefix);
      const cancelQueue = benchQueue(scope, redis, 'cancel', prefix);
      const ingress = await startIngressChild(scope, { redisUrl: redis.url, prefix, extra: { INVENTORY_MAPPING: INVENTORY_MAPPING_ENV }, ...(nodeArgs ? { nodeArgs } : {}) });
      const stage: Stage = { redis, sandbox, ingressUrl: ingress.url, ingress: ingress.child, prefix, skus, nodeArgs };

      const ceilingTiming = await runCeiling(stage, config, inventoryQueue, cancelQueue);
      const budgetTiming = await runBudget(stage, config, inventoryQueue, cancelQueue);
      const ledger = await sandbox.client.calls();
      const ceiling = analysePush(ceilingTiming, ledger);
      const arrivals = cancelArrivals(ledger);
      const budget: BudgetRun = {
        ...analysePush(budgetTiming, ledger),
        idle: cancelLatency(budgetTiming.idleCancels, arrivals),
        duringPush: cancelLatency(budgetTiming.cancelsDuringPush, arrivals),
      };
      return {
        name: 'inventory',
        title: 'Inventory push',
        figures: figures(ceiling, budget),
        details: {
          settings: { ...config, allowedWritesPerSecond: ALLOWED_WRITES_PER_SECOND, windowBound: WINDOW_BOUND, orderLatencyBound: ORDER_LATENCY_BOUND },
          seedSeconds: round(seedSeconds),
          ceiling,
          budget,
        },
      };
    });
  },
};

function figures(ceiling: PushRun, budget: BudgetRun): Figure[] {
  const answeredToLast = (run: PushRun) => (run.lastWriteAt - run.answer.answeredAt) / 1000;
  const cpu = (run: PushRun) => Object.entries(run.cpuShare).map(([name, share]) => `${name} ${share}`).join(', ');
  const jobs = (run: PushRun) => `${run.writes} writes (${Object.entries(run.statuses).map(([status, count]) => `${count} x ${status}`).join(', ')}), ${run.jobs.completed} jobs done, ${run.jobs.failed} failed`;
  const perWrite = (run: PushRun) => Object.entries(run.cpuMsPerWrite).map(([name, ms]) => `${name} ${ms} ms`).join(', ');
  const budgetRatio = budget.ledgerRate / ALLOWED_WRITES_PER_SECOND;
  const latencyRatio = budget.duringPush.p50Ms / budget.idle.p50Ms;
  const budgetLabel = `FABRIC_RATE_LIMIT_PER_SECOND ${BUDGET.perSecond} x FABRIC_INVENTORY_SHARE ${BUDGET.inventoryShare}`;
  return [
    {
      figure: `no budget: skus/s through to the sandbox (${ceiling.skus} skus, from sending the push to its last write)`,
      value: ceiling.endToEndRate,
      unit: 'skus/s',
      baseline: { label: `the budgeted tenant's whole budget (${BUDGET.perSecond} calls/s)`, value: BUDGET.perSecond },
      ratio: ceiling.endToEndRate / BUDGET.perSecond,
      target: '>= 1.0x the whole budget (the budget binds, not the bridge)',
      met: ceiling.endToEndRate >= BUDGET.perSecond,
      note: `${round(ceiling.ledgerRate)} writes/s first to last write, at most ${ceiling.maxWritesInOneSecond} in one second; ${jobs(ceiling)}; CPU (cores): ${cpu(ceiling)}; CPU per write: ${perWrite(ceiling)}`,
    },
    {
      figure: `budget: inventory writes/s at the sandbox (${budget.skus} skus, ${budgetLabel})`,
      value: budget.ledgerRate,
      unit: 'writes/s',
      baseline: { label: 'allowed inventory writes/s', value: ALLOWED_WRITES_PER_SECOND },
      ratio: budgetRatio,
      target: '0.8x to 1.02x the allowed rate (the share binds and holds)',
      met: budgetRatio >= 0.8 && budgetRatio <= 1.02,
      note: `${round(budget.endToEndRate)} skus/s from sending the push to its last write; ${jobs(budget)}; CPU (cores): ${cpu(budget)}`,
    },
    {
      figure: 'budget: most inventory writes in any one second',
      value: budget.maxWritesInOneSecond,
      unit: 'writes',
      baseline: { label: 'allowed inventory writes/s', value: ALLOWED_WRITES_PER_SECOND },
      ratio: budget.maxWritesInOneSecond / ALLOWED_WRITES_PER_SECOND,
      target: `<= ${WINDOW_BOUND} (allowed + 1, the limiter's bound)`,
      met: budget.maxWritesInOneSecond <= WINDOW_BOUND,
      note:
        `${budget.windowsOverBound} of ${budget.writes} one-second windows (one starting at each write's arrival in the ledger, ms resolution) over ${WINDOW_BOUND}; ` +
        `gaps between arrivals min ${budget.gapsMs.min} ms, p1 ${budget.gapsMs.p1} ms, p50 ${budget.gapsMs.p50} ms, max ${budget.gapsMs.max} ms, ${budget.gapsMs.closer} under half the ${1000 / ALLOWED_WRITES_PER_SECOND} ms spacing; ` +
        `the fullest window starts ${round((budget.fullestWindow.atMs ?? 0) / 1000, 1)} s in, its first arrivals at +${budget.fullestWindow.head.join(', +')} ms`,
    },
    {
      figure: `order cancel p50 through to fabric during the budgeted push (${budget.duringPush.count} cancels)`,
      value: budget.duringPush.p50Ms,
      unit: 'ms',
      baseline: { label: 'the same cancels on the idle system', value: budget.idle.p50Ms },
      ratio: latencyRatio,
      target: `<= ${ORDER_LATENCY_BOUND}x idle (orders do not queue behind the push)`,
      met: latencyRatio <= ORDER_LATENCY_BOUND,
      note: `max ${round(budget.duringPush.maxMs)} ms during the push, ${round(budget.idle.maxMs)} ms idle`,
    },
    {
      // The budgeted run's push: its writes are paced, so they do not compete with the answer for the cores; the
      // no-budget run's push, whose writes start while the ingress is still answering, is in the note.
      figure: `ingress answer to a ${budget.skus}-sku push (${Math.round(budget.answer.bodyBytes / 1024)} KB)`,
      value: budget.answer.answerMs,
      unit: 'ms',
      note: `the no-budget run's push of ${ceiling.skus} skus, its writes unpaced: ${round(ceiling.answer.answerMs)} ms`,
    },
    {
      figure: `200 answer to last write, no budget (${ceiling.skus} skus)`,
      value: answeredToLast(ceiling),
      unit: 's',
      note: `first write ${round((ceiling.firstWriteAt - ceiling.answer.answeredAt) / 1000, 3)} s after the answer`,
    },
    {
      figure: `200 answer to last write, budget (${budget.skus} skus)`,
      value: answeredToLast(budget),
      unit: 's',
      baseline: { label: `skus / allowed writes/s`, value: budget.skus / ALLOWED_WRITES_PER_SECOND },
      ratio: answeredToLast(budget) / (budget.skus / ALLOWED_WRITES_PER_SECOND),
      note: `first write ${round((budget.firstWriteAt - budget.answer.answeredAt) / 1000, 3)} s after the answer`,
    },
  ];
}
