import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { pino } from 'pino';
import { inject } from 'vitest';
import { EventStore } from '../../shared/events/store.js';
import { InboxStore } from '../../shared/inbox/store.js';
import { JobQueues } from '../../shared/jobs/producer.js';
import { runCli } from '../../scripts/ops/cli.js';
import { bufferOutput, type OpsDeps } from '../../scripts/ops/lib/core.js';
import { postJson } from '../harness/http.js';
import { settled, TEST_TOKEN, type Stack } from '../harness/stack.js';

export const root = join(import.meta.dirname, '..', '..');
const tsx = join(root, 'node_modules', '.bin', 'tsx');

/** The CLI's dependencies on a running stack's Redis, queues and prefix. */
export function depsOf(stack: Stack, overrides: Partial<OpsDeps> = {}): OpsDeps {
  const prefix = stack.config.queuePrefix;
  return {
    queues: stack.queues,
    events: new EventStore(stack.redis, { prefix, maxPending: 1000, perResponse: 1000 }, pino({ level: 'silent' })),
    inbox: new InboxStore(stack.redis, prefix),
    redis: stack.redis,
    prefix,
    bindings: stack.config.channels.map((binding) => binding.key),
    ...overrides,
  };
}

export interface OpsRun {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
  json<T = Record<string, unknown>>(): T;
}

/** One CLI invocation in this process, on the stack's connections (and a producer on them, made if it is used). */
export async function ops(stack: Stack, argv: readonly string[], overrides: Partial<OpsDeps> = {}): Promise<OpsRun> {
  const output = bufferOutput();
  let jobs: JobQueues | null = null;
  const producer = (): JobQueues => (jobs ??= new JobQueues(stack.redis, stack.config, pino({ level: 'silent' })));
  let code: number;
  try {
    code = await runCli(argv, { env: {}, output, deps: depsOf(stack, { jobs: producer, ...overrides }) });
  } finally {
    await (jobs as JobQueues | null)?.close();
  }
  return { code, stdout: output.stdout.join('\n'), stderr: output.stderr.join('\n'), json: <T>() => output.json<T>() };
}

/** One CLI invocation as an operator runs it: `tsx scripts/ops.ts …`, configured by environment only. */
export function opsProcess(env: Record<string, string>, argv: readonly string[], timeoutMs = 20_000): Promise<OpsRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(tsx, ['scripts/ops.ts', ...argv], {
      cwd: root,
      env: { PATH: process.env['PATH'] ?? '', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
      // Its own process group: tsx runs node as a child, and a timeout must stop both.
      detached: true,
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const timer = setTimeout(() => {
      if (child.pid !== undefined) process.kill(-child.pid, 'SIGKILL');
      reject(new Error(`ops ${argv.join(' ')} did not exit within ${timeoutMs} ms; stderr: ${stderr}`));
    }, timeoutMs);
    child.once('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.once('close', (code) => {
      clearTimeout(timer);
      resolve({ code: code ?? -1, stdout, stderr, json: <T>() => JSON.parse(stdout) as T });
    });
  });
}

/** The environment an operator gives the CLI for this stack. */
export function opsEnv(stack: Stack): Record<string, string> {
  return { REDIS_URL: inject('redisUrl'), QUEUE_PREFIX: stack.config.queuePrefix };
}

/** A cancel as seed 001 sends it (trimmed), for client "default" (no headers) and channel 21. */
export async function sendCancel(stack: Stack, refnum: string | number): Promise<void> {
  const response = await postJson(stack.ingressUrl, '/order_cancel', { data: { order: { channel_refnum: refnum }, channel: { id: 21 } } }, { bearer: TEST_TOKEN });
  if (response.status !== 200) throw new Error(`cancel ${refnum}: HTTP ${response.status} ${await response.text()}`);
}

/** An order the sandbox did not have: what fixes a cancel that failed with ORDER_NOT_FOUND. */
export async function createSandboxOrder(stack: Stack, orderNumber: string): Promise<void> {
  await stack.sandbox.createOrder({
    orderNumber,
    currency: 'USD',
    customer: { name: { firstName: 'Ops', lastName: 'Test' }, email: `ops-${orderNumber}@example.com` },
    items: [{ sku: 'SKU-1', itemName: 'Thing', itemUnitPrice: 10, orderedQuantity: 1 }],
    orderTotal: 10,
  });
}

/** The failed job of a cancel of `refnum`, once it is there. */
export async function failedCancelId(stack: Stack, refnum: string): Promise<string> {
  const failed = await stack.queues.cancel.getFailed();
  const job = failed.find((candidate) => (candidate.data as { payload: { refnum: string } }).payload.refnum === refnum);
  if (!job?.id) throw new Error(`no failed cancel of ${refnum}`);
  return job.id;
}

/**
 * Cancels that fail for good, with their events all left pending: every response to client default channel 21
 * delivers that scope's pending events, so the webhooks are all answered before any job runs.
 */
export async function poisonCancels(stack: Stack, refnums: readonly (string | number)[]): Promise<string[]> {
  await stack.queues.cancel.pause();
  try {
    for (const refnum of refnums) await sendCancel(stack, refnum);
  } finally {
    await stack.queues.cancel.resume();
  }
  await settled(stack);
  return Promise.all(refnums.map((refnum) => failedCancelId(stack, String(refnum))));
}
