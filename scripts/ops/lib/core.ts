import type { Queue } from 'bullmq';
import type { EventStore } from '../../../shared/events/store.js';
import type { InboxStore } from '../../../shared/inbox/store.js';
import type { QueueName } from '../../../shared/jobs/contract.js';
import type { JobQueues } from '../../../shared/jobs/producer.js';
import type { RedisClient } from '../../../shared/redis.js';

/** Exit codes of every command. */
export const EXIT = {
  /** Done as asked. */
  ok: 0,
  /** Tried and failed: Redis unreachable, no such job, a job not in the failed state, a retry that did not happen. */
  failure: 1,
  /** Nothing was tried: unknown command or option, missing argument, configuration invalid. */
  usage: 2,
} as const;
export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

/** The invocation is wrong (exit 2); the message says how, the command's help says what is right. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

/** The command ran and could not do what was asked (exit 1). `details` is added to the --json error output. */
export class OpsError extends Error {
  override readonly name = 'OpsError';
  constructor(
    message: string,
    readonly details: Record<string, unknown> = {},
  ) {
    super(message);
  }
}

/** Where commands write: `out` is the result (stdout), `err` diagnostics (stderr). One call, one line or block. */
export interface Output {
  out(text: string): void;
  err(text: string): void;
}

export const processOutput: Output = {
  out: (text) => void process.stdout.write(`${text}\n`),
  err: (text) => void process.stderr.write(`${text}\n`),
};

/** Collects what a command writes, for tests and for callers that embed the CLI. */
export interface BufferedOutput extends Output {
  readonly stdout: string[];
  readonly stderr: string[];
  /** stdout joined, parsed as JSON (after a --json run). */
  json<T = unknown>(): T;
}

export function bufferOutput(): BufferedOutput {
  const stdout: string[] = [];
  const stderr: string[] = [];
  return {
    stdout,
    stderr,
    out: (text) => void stdout.push(text),
    err: (text) => void stderr.push(text),
    json: <T>() => JSON.parse(stdout.join('\n')) as T,
  };
}

export type QueueMap = Readonly<Record<QueueName, Queue>>;

/**
 * What commands work on. Each command takes only the part it needs (a `Pick`), so tests hand it the queues and
 * stores of a running stack.
 */
export interface OpsDeps {
  readonly queues: QueueMap;
  readonly events: EventStore;
  readonly inbox: InboxStore;
  /** For key scans (event scopes, inbox bindings) and raw reads next to the stores; a node or a cluster. */
  readonly redis: RedisClient;
  /** QUEUE_PREFIX: every key of the bridge starts with it. */
  readonly prefix: string;
  /** Channel bindings from the configuration ('default' in single-channel mode). */
  readonly bindings: readonly string[];
  /** The clock for ages; Date.now unless a test fixes it. */
  readonly now?: () => number;
  /** AUDIT_RETENTION_DAYS: how long the audit stream keeps an entry (default 365; 0: for ever). */
  readonly auditRetentionDays?: number;
  /**
   * The producer the ingress enqueues with (lanes, burst priority, the configured retry policy), made on first use:
   * only `replay` adds jobs. Absent where the CLI has no configuration to build it from.
   */
  readonly jobs?: () => Pick<JobQueues, 'add'>;
}
