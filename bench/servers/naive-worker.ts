// The naive bridge's worker (the baseline of bench/pipeline.ts, bench/latency-bound.ts and bench/scaling.ts): a
// BullMQ Worker that takes the webhook body the naive ingress (bench/servers/bare-http.ts, `add` mode) enqueued, reads the order from fabric and posts the
// cancel, with the HTTP client the real fabric client uses (undici's `request` on one keep-alive Agent, as
// shared/fabric/http.ts) and the same fabric credentials. No validation, dedup, lanes, call budget, circuit breaker,
// events, metrics or logging. Still correct: a job whose cancel fabric did not take fails (BullMQ counts it), and the
// benchmarks check fabric's ledger for every order.
// Env: REDIS_URL, QUEUE_PREFIX, NAIVE_CONCURRENCY, FABRIC_BASE_URL, FABRIC_AUTH_URL, FABRIC_CLIENT_ID,
// FABRIC_CLIENT_SECRET, FABRIC_TENANT_ID, FABRIC_CHANNEL_ID. Prints `READY {}` once connected; exits on SIGTERM.
import { Worker, type Job } from 'bullmq';
import { Redis } from 'ioredis';
import { Agent, request } from 'undici';

function env(name: string): string {
  const value = process.env[name];
  if (value === undefined || value === '') throw new Error(`${name} is required`);
  return value;
}

const baseUrl = env('FABRIC_BASE_URL').replace(/\/$/, '');
const authUrl = env('FABRIC_AUTH_URL');
const basic = Buffer.from(`${env('FABRIC_CLIENT_ID')}:${env('FABRIC_CLIENT_SECRET')}`).toString('base64');
const tenantId = env('FABRIC_TENANT_ID');
const channelId = env('FABRIC_CHANNEL_ID');
// FABRIC_TIMEOUT_MS' default, and the Agent the real transport builds.
const timeoutMs = 10_000;
const agent = new Agent({ keepAliveTimeout: 4_000 });

/** One fabric call; the parsed answer, or an error naming the status. */
async function call(method: 'GET' | 'POST', url: string, headers: Record<string, string>, body?: string): Promise<unknown> {
  const response = await request(url, { dispatcher: agent, method, headers, body: body ?? null, headersTimeout: timeoutMs, bodyTimeout: timeoutMs });
  const text = await response.body.text();
  if (response.statusCode < 200 || response.statusCode > 299) throw new Error(`${method} ${url}: ${response.statusCode} ${text.slice(0, 200)}`);
  return JSON.parse(text) as unknown;
}

// The client-credentials token, fetched once and shared: the benchmarks run well inside its lifetime, and a refused
// token is fetched again on the next job.
let token: Promise<string> | null = null;
function bearer(): Promise<string> {
  token ??= call('POST', authUrl, { authorization: `Basic ${basic}`, 'content-type': 'application/x-www-form-urlencoded' }, 'grant_type=client_credentials&scope=s2s').then(
    (answer) => (answer as { access_token: string }).access_token,
  );
  return token;
}

interface CancelWebhook {
  readonly data: { readonly order: { readonly channel_refnum: string } };
}

async function cancel(job: Job<CancelWebhook>): Promise<void> {
  const refnum = encodeURIComponent(job.data.data.order.channel_refnum);
  const current = await bearer();
  const headers = {
    authorization: `Bearer ${current}`,
    'content-type': 'application/json',
    accept: 'application/json',
    'x-fabric-tenant-id': tenantId,
    'x-fabric-channel-id': channelId,
  };
  try {
    await call('GET', `${baseUrl}/orders/order-number/${refnum}`, headers);
    await call('POST', `${baseUrl}/orders/order-number/${refnum}/actions/cancel`, headers, JSON.stringify({ reasonCode: 'RETAILOPS_CANCEL', source: 'RetailOPS' }));
  } catch (error) {
    if (token !== null && (error as Error).message.includes(': 401 ')) token = null;
    throw error;
  }
}

const connection = new Redis(process.env['REDIS_URL'] ?? 'redis://127.0.0.1:6379', { maxRetriesPerRequest: null });
const worker = new Worker<CancelWebhook>('cancel', cancel, {
  connection,
  prefix: process.env['QUEUE_PREFIX'] ?? '{naive}',
  concurrency: Number(process.env['NAIVE_CONCURRENCY'] ?? '10'),
});
worker.on('error', (error) => console.error(error));
await worker.waitUntilReady();
process.stdout.write('READY {}\n');

const stop = (): void => {
  void worker
    .close()
    .then(() => connection.quit())
    .then(() => agent.close())
    .finally(() => process.exit(0));
};
process.once('SIGTERM', stop);
process.once('SIGINT', stop);
