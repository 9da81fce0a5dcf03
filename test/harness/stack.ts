import { randomBytes } from 'node:crypto';
import { Queue } from 'bullmq';
import { Cluster, Redis } from 'ioredis';
import { pino, type Logger } from 'pino';
import { inject } from 'vitest';
import { loadConfig, sandboxFabricSettings, SEED_EXAMPLE_TICKET, type Config } from '../../shared/config.js';
import { buildLoggerOptions } from '../../shared/logger.js';
import { createMetrics } from '../../shared/metrics.js';
import { QUEUE_NAMES, type QueueName } from '../../shared/jobs/contract.js';
import { startIngress, type RunningIngress } from '../../ingress/server.js';
import { startWorkers, type RunningWorkers } from '../../workers/start-workers.js';
import { startSandbox } from '../../sandbox/server.js';
import { createSandboxClient, type ContractViolation } from '../../sandbox/client.js';

export const TEST_TOKEN = 'test-token-0123456789';
export { SEED_EXAMPLE_TICKET };

export interface StackOptions {
  /** Extra environment for loadConfig (JOB_ATTEMPTS, EVENTS_MAX_PENDING, …). */
  readonly env?: Record<string, string>;
  /** More environment that needs the sandbox's URL (a CHANNELS_FILE pointing at it), made once the sandbox runs. */
  readonly envFor?: (sandboxUrl: string) => Record<string, string>;
  /** Start the workers (default true); off to look at queued jobs. */
  readonly workers?: boolean;
  readonly redisUrl?: string;
  /** redisUrl names a node of a Redis Cluster. */
  readonly redisCluster?: boolean;
  /** Collects every log line, for tests that read the logs. */
  readonly logLines?: string[];
  /**
   * close() fails when the sandbox saw a request or gave an answer outside fabric's published contract (default
   * true). Off only for a test that breaks the contract on purpose and asserts on the violations itself.
   */
  readonly failOnContractViolations?: boolean;
}

export interface Stack {
  readonly config: Config;
  /** The environment the stack's config was loaded from: what a worker process joining it needs. */
  readonly env: Readonly<Record<string, string>>;
  readonly ingressUrl: string;
  readonly sandbox: ReturnType<typeof createSandboxClient>;
  readonly sandboxUrl: string;
  readonly redis: Redis | Cluster;
  readonly queues: Record<QueueName, Queue>;
  /** Back to a fresh start between tests: queues drained and cleaned, inbox and events emptied, sandbox reset. */
  reset(): Promise<void>;
  /** Stops everything; then fails if the sandbox recorded a contract violation (see StackOptions). */
  close(): Promise<void>;
}

/** Thrown by close(): what the bridge sent, or the sandbox answered, that fabric's OpenAPI does not allow. */
export class ContractViolationError extends Error {
  constructor(readonly violations: readonly ContractViolation[]) {
    super(
      `fabric contract violated ${violations.length} time(s) (sandbox/contract/checks.ts):\n` +
        violations
          .map((violation) => {
            const problems = violation.problems.map((problem) => `${problem.field} ${problem.kind}: ${problem.message}`).join('; ');
            const sent = violation.direction === 'request' ? `\n      sent: ${JSON.stringify(violation.body)}` : '';
            return `  - ${violation.direction} ${violation.operation} (${violation.path}, HTTP ${violation.status}): ${problems}${sent}`;
          })
          .join('\n'),
    );
    this.name = 'ContractViolationError';
  }
}

function testLogger(lines: string[] | undefined): Logger {
  const options = buildLoggerOptions(process.env['TEST_LOG_LEVEL'] ?? (lines ? 'info' : 'silent'), 'test');
  if (!lines) return pino(options);
  return pino(options, { write: (line: string) => void lines.push(line) });
}

/**
 * A running bridge for one test file: the sandbox on a free port, workers and ingress on the test Redis under a
 * prefix of their own, all over real HTTP. The fabric settings point at the sandbox as a real fabric would be
 * configured (FABRIC_*), not through the embedded default.
 */
export async function startStack(options: StackOptions = {}): Promise<Stack> {
  const redisUrl = options.redisUrl ?? inject('redisUrl');
  // A simulated hang outlasts the client's timeout (FABRIC_TIMEOUT_MS 2000 here) without holding the sandbox open.
  // validateResponses: every answer is checked against fabric's published schemas, and close() reports violations.
  const sandbox = await startSandbox({ host: '127.0.0.1', port: 0, timeoutHangMs: 2500, validateResponses: true });
  const fabric = sandboxFabricSettings(sandbox.url, '12');
  const prefix = `{t${randomBytes(4).toString('hex')}}`;
  const env: Record<string, string> = {
    REDIS_URL: redisUrl,
    QUEUE_PREFIX: prefix,
    HOST: '127.0.0.1',
    PORT: '0',
    FABRIC_BASE_URL: fabric.baseUrl,
    FABRIC_AUTH_URL: fabric.authUrl,
    FABRIC_CLIENT_ID: fabric.clientId,
    FABRIC_CLIENT_SECRET: fabric.clientSecret,
    FABRIC_TENANT_ID: fabric.tenantId,
    FABRIC_TIMEOUT_MS: '2000',
    RETAILOPS_AUTH_TOKENS: JSON.stringify([TEST_TOKEN, SEED_EXAMPLE_TICKET]),
    ORDER_SYNC_SINCE: '1970-01-01T00:00:00.000Z',
    JOB_BACKOFF_MS: '20',
    JOB_BACKOFF_MAX_MS: '200',
    FABRIC_BREAKER_COOLDOWN_MS: '300',
    // Off unless a test is about it: the suites would otherwise be paced by it.
    FABRIC_RATE_LIMIT_PER_SECOND: '0',
    WORKER_CONCURRENCY: '5',
    LOG_LEVEL: 'info',
    ...(options.redisCluster ? { REDIS_CLUSTER: 'true' } : {}),
    ...options.env,
    ...options.envFor?.(sandbox.url),
  };
  const config = loadConfig(env);
  const logger = testLogger(options.logLines);
  // As in `npm start`: the ingress and in-process workers share one metrics registry.
  const metrics = createMetrics();
  let workers: RunningWorkers | null = null;
  if (options.workers !== false) workers = await startWorkers(config, logger, metrics);
  const ingress: RunningIngress = await startIngress(config, logger, metrics);
  const node = new URL(redisUrl);
  const redis = options.redisCluster
    ? new Cluster([{ host: node.hostname, port: Number(node.port) }], { redisOptions: { maxRetriesPerRequest: null } })
    : new Redis(redisUrl, { maxRetriesPerRequest: null });
  redis.on('error', () => undefined); // outage tests stop Redis on purpose
  const queues = Object.fromEntries(
    QUEUE_NAMES.map((name) => {
      const queue = new Queue(name, { connection: redis, prefix });
      queue.on('error', () => undefined); // outage tests stop Redis on purpose
      return [name, queue];
    }),
  ) as Record<QueueName, Queue>;
  return {
    config,
    env,
    ingressUrl: ingress.url,
    sandbox: createSandboxClient(sandbox.url),
    sandboxUrl: sandbox.url,
    redis,
    queues,
    reset: async () => {
      if (workers) await settledQueues(queues);
      else await Promise.all(Object.values(queues).map((queue) => queue.drain(true)));
      await Promise.all(
        Object.values(queues).flatMap((queue) => [queue.clean(0, 0, 'completed'), queue.clean(0, 0, 'failed')]),
      );
      const keys = (await Promise.all(['inbox', 'events', 'lane', 'inventory-lane', 'inventory-push'].map((name) => keysOf(redis, `${prefix}:${name}:*`)))).flat();
      if (keys.length > 0) await redis.del(...keys);
      await createSandboxClient(sandbox.url).reset();
    },
    close: async () => {
      await ingress.close();
      await workers?.close();
      await Promise.all(Object.values(queues).map((queue) => queue.obliterate({ force: true }).catch(() => undefined)));
      await Promise.all(Object.values(queues).map((queue) => queue.close()));
      const keys = await keysOf(redis, `${prefix}*`);
      if (keys.length > 0) await redis.del(...keys);
      redis.disconnect();
      // Read after the workers stopped, so every call they made is in; the sandbox closes whatever the answer.
      const violations = await createSandboxClient(sandbox.url).contractViolations().finally(() => sandbox.close());
      if (violations.length > 0 && options.failOnContractViolations !== false) throw new ContractViolationError(violations);
    },
  };
}

/** KEYS on every master of a cluster (a test's keys share one slot, so one node holds them), or on the one server. */
async function keysOf(redis: Redis | Cluster, pattern: string): Promise<string[]> {
  const nodes = redis instanceof Cluster ? redis.nodes('master') : [redis];
  return (await Promise.all(nodes.map((node) => node.keys(pattern)))).flat();
}

/** Waits until `check` returns a value other than undefined, or fails after `timeoutMs` with `what`. */
export async function eventually<T>(what: string, check: () => Promise<T | undefined>, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < deadline) {
    try {
      const value = await check();
      if (value !== undefined) return value;
    } catch (error) {
      last = error;
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`timed out waiting for ${what}${last ? `: ${String(last)}` : ''}`);
}

export async function jobCounts(stack: Stack): Promise<Record<QueueName, number>> {
  const entries = await Promise.all(
    QUEUE_NAMES.map(async (name) => {
      const counts = await stack.queues[name].getJobCounts('waiting', 'active', 'delayed', 'completed', 'failed', 'prioritized');
      return [name, Object.values(counts).reduce((total, count) => total + count, 0)] as const;
    }),
  );
  return Object.fromEntries(entries) as Record<QueueName, number>;
}

/** Waits until every queue is drained (nothing waiting, active or delayed). */
export async function settled(stack: Stack, timeoutMs = 15_000): Promise<void> {
  await settledQueues(stack.queues, timeoutMs);
}

async function settledQueues(queues: Record<QueueName, Queue>, timeoutMs = 15_000): Promise<void> {
  await eventually(
    'queues to settle',
    async () => {
      for (const queue of Object.values(queues)) {
        // One atomic read of every pending state: read one by one, a job moving between them (delayed to active, or
        // active to delayed for a retry) can be missed by both reads.
        const counts = await queue.getJobCounts('waiting', 'active', 'prioritized', 'delayed');
        // The order-sync scheduler always keeps its next run delayed; only other delayed jobs are pending work.
        const schedulers = await queue.getJobSchedulersCount();
        const { waiting = 0, active = 0, prioritized = 0, delayed = 0 } = counts;
        if (waiting + active + prioritized > 0 || delayed > schedulers) return undefined;
      }
      return true;
    },
    timeoutMs,
  );
}
