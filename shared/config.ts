// The one place that reads process.env (and CHANNELS_FILE). Everything else receives a frozen `Config`.
import { readFileSync } from 'node:fs';
import { getHeapStatistics } from 'node:v8';
import { z } from 'zod';
import { QUEUE_NAMES, type QueueName } from './jobs/contract.js';
import { retailopsIdLike as retailopsId } from './retailops/fields.js';
import { SANDBOX_INVENTORY_MAPPING, inventoryMappingSchema, type InventoryMapping } from './inventory/mapping.js';

const csv = z
  .string()
  .transform((value) => value.split(',').map((part) => part.trim()).filter((part) => part.length > 0));

/** Shorter tokens can be guessed or are a ticket split at its commas; ADMIN_TOKEN has the same floor. */
export const MIN_TOKEN_LENGTH = 16;

/**
 * RetailOPS tickets look like "1,1,0,1456437061,315576060,111,<base64>": a comma list with all-digit parts is such a
 * ticket pasted as-is, which would make each of its fields ("1", "0", …) a valid token on its own.
 */
function looksLikeSplitTicket(parts: readonly string[]): boolean {
  return parts.length > 1 && parts.some((part) => /^\d+$/.test(part));
}

/**
 * A comma list, or a JSON array of strings for tokens that contain commas (RetailOPS tickets such as seed 000's
 * "1,1,0,1456437061,…" do). Issue messages never quote the value: it is a secret.
 */
const tokenList = z.string().transform((value, context) => {
  if (!value.trim().startsWith('[')) {
    const parts = value.split(',').map((part) => part.trim()).filter((part) => part.length > 0);
    if (looksLikeSplitTicket(parts)) {
      context.addIssue({
        code: 'custom',
        message:
          'looks like a RetailOPS ticket (it has commas and all-digit fields); give tickets as a JSON array: ' +
          `RETAILOPS_AUTH_TOKENS='["1,1,0,…"]'`,
      });
      return z.NEVER;
    }
    return parts;
  }
  let json: unknown;
  try {
    json = JSON.parse(value);
  } catch {
    // JSON.parse's message quotes the input: never let token text reach an error.
    context.addIssue({ code: 'custom', message: 'is not a valid JSON array of strings' });
    return z.NEVER;
  }
  const parsed = z.array(z.string().min(1)).safeParse(json);
  if (parsed.success) return parsed.data;
  context.addIssue({ code: 'custom', message: 'must be a comma list or a JSON array of strings' });
  return z.NEVER;
});

const positiveInt = z.coerce.number().int().positive();

export const fabricSettingsSchema = z.object({
  baseUrl: z.url().describe('fabric API base, e.g. https://api.fabric.inc/v3'),
  authUrl: z.url().describe('token endpoint, e.g. https://{customer}.login.fabric.inc/oauth2/{authServerId}/v1/token'),
  clientId: z.string().min(1),
  clientSecret: z.string().min(1),
  tenantId: z.string().min(1),
  channelId: z.string().min(1).default('12'),
});
export type FabricSettings = z.infer<typeof fabricSettingsSchema>;

const previousTokenSchema = z.object({
  token: z.string().min(MIN_TOKEN_LENGTH, `tokens must be at least ${MIN_TOKEN_LENGTH} characters`),
  validUntil: z.iso.datetime({ offset: true, error: 'must be an ISO date-time with its offset, e.g. 2025-06-01T12:00:00Z' }),
});

const channelEntrySchema = z.object({
  clientId: retailopsId.describe('RetailOPS client id'),
  channelId: retailopsId.describe('RetailOPS channel id'),
  tokens: z.array(z.string().min(MIN_TOKEN_LENGTH, `tokens must be at least ${MIN_TOKEN_LENGTH} characters`)).min(1),
  /**
   * Tokens rotated out, each still accepted until its own `validUntil` (absolute, so every process and every restart
   * agrees on when it ends); one dropped without an entry here stops working at the reload.
   */
  previousTokens: z.array(previousTokenSchema).default([]),
  fabric: fabricSettingsSchema,
  /** Which RetailOPS quantity sets which fabric counter where (shared/inventory/mapping.ts); absent: no inventory push. */
  inventory: inventoryMappingSchema.optional(),
});

export const channelsFileSchema = z.object({ channels: z.array(channelEntrySchema).min(1) });

export interface PreviousToken {
  readonly token: string;
  readonly validUntilMs: number;
}

/**
 * One RetailOPS channel this service serves. `clientId`/`channelId` are null in single-channel mode when they are
 * not pinned: any client and channel id is then accepted with the configured tokens.
 */
export interface ChannelBinding {
  readonly key: string;
  readonly clientId: string | null;
  readonly channelId: string | null;
  readonly tokens: readonly string[];
  /** Rotated-out tokens, each accepted until validUntilMs (epoch ms), checked at request time (shared/channels.ts). */
  readonly previousTokens: readonly PreviousToken[];
  readonly fabric: FabricSettings;
  /** null: inventory_push is not configured for this channel (answered with a warning, nothing sent to fabric). */
  readonly inventory: InventoryMapping | null;
}

/** Every environment variable the service reads; .env.example documents each (test/unit/env-example.test.ts). */
export const envSchema = z.object({
  NODE_ENV: z.string().default('development'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  HOST: z.string().default('127.0.0.1'),
  PORT: z.coerce.number().int().min(0).max(65535).default(8080),
  V1_BASE_PATH: z
    .string()
    .regex(/^\/[A-Za-z0-9/_-]*[A-Za-z0-9_-]$/, 'must start with / and not end with /')
    .default('/api/channel'),
  REDIS_URL: z.url({ protocol: /^rediss?$/, hostname: /^.+$/, error: 'must be a redis:// or rediss:// URL with a host, e.g. redis://127.0.0.1:6379' }).optional(),
  REDIS_CLUSTER: z.enum(['true', 'false']).default('false'),
  REDIS_PORT: z.coerce.number().int().min(0).max(65535).default(6380),
  REDIS_DATA_DIR: z.string().default('.data/redis'),
  QUEUE_PREFIX: z.string().min(1).default('{rob}'),
  SANDBOX_PORT: z.coerce.number().int().min(0).max(65535).default(4010),
  FABRIC_BASE_URL: z.url().optional(),
  FABRIC_AUTH_URL: z.url().optional(),
  FABRIC_CLIENT_ID: z.string().optional(),
  FABRIC_CLIENT_SECRET: z.string().optional(),
  FABRIC_TENANT_ID: z.string().optional(),
  FABRIC_CHANNEL_ID: z.string().default('12'),
  FABRIC_TIMEOUT_MS: positiveInt.default(10_000),
  FABRIC_RATE_LIMIT_PER_SECOND: z.coerce.number().int().min(0).default(100),
  FABRIC_BREAKER_THRESHOLD: positiveInt.default(5),
  FABRIC_BREAKER_COOLDOWN_MS: positiveInt.default(30_000),
  RETAILOPS_AUTH_TOKENS: tokenList.optional(),
  RETAILOPS_CLIENT_ID: retailopsId.optional(),
  RETAILOPS_CHANNEL_ID: retailopsId.optional(),
  CHANNELS_FILE: z.string().optional(),
  BODY_LIMIT_BYTES: positiveInt.default(1024 * 1024),
  HEADERS_TIMEOUT_MS: positiveInt.default(10_000),
  REQUEST_TIMEOUT_MS: positiveInt.default(30_000),
  KEEP_ALIVE_TIMEOUT_MS: positiveInt.default(72_000),
  MAX_HEAP_USED_MB: z.coerce.number().int().min(0).optional(),
  MAX_RSS_MB: z.coerce.number().int().min(0).default(0),
  RATE_LIMIT_MAX: z.coerce.number().int().min(0).default(1200),
  RATE_LIMIT_WINDOW_MS: positiveInt.default(60_000),
  MAX_EVENT_LOOP_DELAY_MS: z.coerce.number().int().min(0).default(1000),
  DEDUP_WINDOW_SECONDS: positiveInt.default(24 * 60 * 60),
  FAILED_RETENTION_SECONDS: positiveInt.default(7 * 24 * 60 * 60),
  EVENTS_MAX_PENDING: positiveInt.default(1000),
  EVENTS_PER_RESPONSE: positiveInt.max(1000).default(100),
  ORDER_SYNC_INTERVAL_MS: positiveInt.default(60_000),
  ORDER_SYNC_SINCE: z.iso.datetime({ offset: true }).optional(),
  ORDER_SYNC_LOOKBACK_DAYS: positiveInt.default(30),
  INBOX_RETENTION_DAYS: z.coerce.number().int().min(0).default(90),
  AUDIT_RETENTION_DAYS: z.coerce.number().int().min(0).default(365),
  WEBHOOK_ARCHIVE: z.enum(['true', 'false']).default('true'),
  /** Days an archived webhook stays (0: for ever); unset: INBOX_RETENTION_DAYS. */
  WEBHOOK_ARCHIVE_DAYS: z.coerce.number().int().min(0).optional(),
  ORDER_PAGE_SIZE_MAX: positiveInt.default(100),
  WORKER_QUEUES: csv.optional(),
  WORKER_CONCURRENCY: positiveInt.default(10),
  METRICS_PORT: z.coerce.number().int().min(0).max(65535).optional(),
  ADMIN_TOKEN: z.string().min(MIN_TOKEN_LENGTH, `must be at least ${MIN_TOKEN_LENGTH} characters`).optional(),
  ADMIN_ALLOW_RETRIES: z.enum(['true', 'false']).default('false'),
  JOB_ATTEMPTS: positiveInt.default(8),
  JOB_BACKOFF_MS: positiveInt.default(1000),
  JOB_BACKOFF_MAX_MS: positiveInt.default(5 * 60 * 1000),
  SHUTDOWN_TIMEOUT_MS: positiveInt.default(10_000),
  WORKER_LOCK_DURATION_MS: positiveInt.default(30_000),
  WORKER_STALLED_INTERVAL_MS: positiveInt.default(30_000),
  WORKER_MAX_STALLS: z.coerce.number().int().min(0).max(100).default(3),
  INVENTORY_MAPPING: z.string().optional(),
  INVENTORY_LANES: positiveInt.max(1024).default(16),
  INVENTORY_JOB_SKUS: positiveInt.max(5000).default(250),
  INVENTORY_BODY_LIMIT_BYTES: positiveInt.default(32 * 1024 * 1024),
  FABRIC_INVENTORY_SHARE: z.coerce.number().gt(0).max(1).default(0.5),
  FABRIC_BUDGET_MAX_WAIT_MS: z.coerce.number().int().min(0).default(1000),
  TENANT_BURST_CALLS: z.coerce.number().int().min(0).default(1000),
  TENANT_BURST_WINDOW_MS: positiveInt.default(10_000),
  /** Set: traces are exported over OTLP/HTTP there (shared/telemetry/); unset: no tracing code is loaded at all. */
  OTEL_EXPORTER_OTLP_ENDPOINT: z.url({ protocol: /^https?$/, error: 'must be an http:// or https:// URL, e.g. http://otel-collector:4318' }).optional(),
  OTEL_SERVICE_NAME: z.string().min(1).optional(),
});

export interface Config {
  readonly env: string;
  readonly logLevel: z.infer<typeof envSchema>['LOG_LEVEL'];
  readonly host: string;
  readonly port: number;
  /** Where the v1 SDK routes are mounted besides the root. */
  readonly v1BasePath: string;
  /** null: start an embedded redis-server (npm start only); services require it. */
  readonly redisUrl: string | null;
  /** REDIS_URL names one node of a Redis Cluster. */
  readonly redisCluster: boolean;
  readonly embeddedRedis: { readonly port: number; readonly dataDir: string };
  readonly queuePrefix: string;
  /** true when no fabric is configured and the local sandbox plays the channel. */
  readonly useSandbox: boolean;
  readonly sandboxPort: number;
  readonly fabricTimeoutMs: number;
  /** Consecutive transient failures that open a tenant's circuit, and how long it stays open before a probe. */
  readonly fabricBreaker: { readonly threshold: number; readonly cooldownMs: number };
  /** Calls per second to one fabric tenant, across all workers (0: no limit). */
  readonly fabricRateLimitPerSecond: number;
  /** A job whose tenant's budget has no slot for it within this gives its worker slot back until then (workers/admission.ts). */
  readonly fabricBudgetMaxWaitMs: number;
  /**
   * A binding whose jobs of one window would make more fabric calls than this is in a burst: its further jobs wait
   * behind everyone else's (shared/jobs/burst-meter.ts; calls 0: off).
   */
  readonly tenantBurst: { readonly calls: number; readonly windowMs: number };
  /**
   * Inventory pushes: how many lanes a binding's skus are spread over, how many writes a job holds, the push route's
   * body limit, and the share of each tenant's call budget inventory writes may use (the rest stays the orders').
   */
  readonly inventory: { readonly lanes: number; readonly jobSkus: number; readonly bodyLimitBytes: number; readonly budgetShare: number };
  /** The bindings read at start; the live set, which a reload changes, is shared/channel-registry.ts's. */
  readonly channels: readonly ChannelBinding[];
  readonly multiChannel: boolean;
  /** CHANNELS_FILE, read again on each reload; null in single-channel mode (nothing to reload). */
  readonly channelsFile: string | null;
  readonly bodyLimitBytes: number;
  /**
   * How long a client may take: headers must arrive within headersMs, the whole request within requestMs (Node answers
   * 408 and closes), and an idle keep-alive connection is closed after keepAliveMs. A slow or stalled client holds a
   * connection and its buffered body for at most requestMs.
   */
  readonly timeouts: { readonly headersMs: number; readonly requestMs: number; readonly keepAliveMs: number };
  /**
   * Per-client requests per window (0: off), and the event-loop lag and memory above which new requests are shed
   * with 503 (each 0: off).
   */
  readonly protection: {
    readonly rateLimit: { readonly max: number; readonly windowMs: number };
    readonly maxEventLoopDelayMs: number;
    readonly maxHeapUsedBytes: number;
    readonly maxRssBytes: number;
  };
  readonly dedupWindowSeconds: number;
  readonly failedRetentionSeconds: number;
  readonly events: { readonly maxPending: number; readonly perResponse: number };
  /** The first sync searches fabric from `since` (sandbox: all demo orders; otherwise lookbackDays ago). */
  readonly orderSync: { readonly intervalMs: number; readonly since: string | null; readonly lookbackDays: number };
  /** Days an acknowledged order's body stays in the inbox (0: for ever); pruned by each order sync. */
  readonly inboxRetentionDays: number;
  /** Days an operator action stays in the audit stream (0: for ever); trimmed by each new entry (`ops audit`). */
  readonly auditRetentionDays: number;
  /** The webhook archive (shared/archive/webhook-archive.ts): on or off, and days an entry stays (0: for ever). */
  readonly webhookArchive: { readonly enabled: boolean; readonly retentionDays: number };
  readonly orderPageSizeMax: number;
  /**
   * A job's lock lasts lockDurationMs and is renewed while it runs; a worker that dies stops renewing, and another
   * worker takes the job back (a stalled job) within about lockDurationMs + stalledIntervalMs.
   */
  readonly worker: {
    readonly queues: readonly QueueName[];
    readonly concurrency: number;
    readonly lockDurationMs: number;
    readonly stalledIntervalMs: number;
    /**
     * How many times a job may be taken back from a worker lost while running it (killed, frozen past its lock, shut
     * down before it finished). The next time it is failed with a JOB_STALLED event rather than run again: a job that
     * takes every worker down with it must not go on doing so, and must not end silently either.
     */
    readonly maxStalls: number;
  };
  readonly jobs: { readonly attempts: number; readonly backoffMs: number; readonly backoffMaxMs: number };
  readonly shutdownTimeoutMs: number;
  /** A worker process serves /metrics, /healthz and /readyz on this port (on HOST); null: it does not. */
  readonly metricsPort: number | null;
  /** The Bull Board at /admin/queues: off without a token; read-only unless retries are allowed. */
  readonly admin: { readonly token: string | null; readonly allowRetries: boolean };
  /**
   * OpenTelemetry tracing (shared/telemetry/): null unless OTEL_EXPORTER_OTLP_ENDPOINT is set. serviceName null: each
   * process names itself (retailops-bridge-ingress, -worker). The SDK reads the other OTEL_* variables itself.
   */
  readonly tracing: { readonly endpoint: string; readonly serviceName: string | null } | null;
}

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

/** The SDK's documented test key: accepted by default only while the sandbox is the channel. */
export const SANDBOX_TEST_TOKEN = 'RETAILOPS_SDK';
/** The ticket in seed 000's curl examples, accepted (with the test key) only while the sandbox is the channel. */
export const SEED_EXAMPLE_TICKET =
  '1,1,0,1456437061,315576060,111,WEIhLHAyXHpjZA27OdENwAn1_fHx8fGA-ekng7lhkAvc27Uhnxgd4PZx4VnR_SJ-K85M_5dTAChTXgI3RsmGvfTbaOZ1_U-YJw3G0w1UVWFZ2EC83wjO6bmp91VZdR0tT_b2R1kK4qO1QTJrBk53ZyIuidsOa13lihh8VMgAvSDqCnTwxV2NVV7oN4v-h_tQtpUvklfbW1bnULR3bbaDvoOlb1CVQ_3BdNdo1MaAh-JxrRjf7MkzcHQYs3dN0GuaBZ1KBHvLdrLmGerNYv2p6AMC-fu8YeuukUU3Q6RL9AtF5AA6TPhfwfBM5r05B7QZiSEGySF65FCcfQFT_6lMxQ';
export const SANDBOX_FABRIC_CLIENT = { clientId: 'sandbox-client', clientSecret: 'sandbox-secret' } as const;

function formatIssues(source: string, error: z.ZodError, names: Record<string, string> = {}): string {
  const lines = error.issues.map((issue) => {
    const path = issue.path.join('.');
    return `  - ${names[path] ?? (path || '(root)')}: ${issue.message}`;
  });
  return `Invalid ${source}:\n${lines.join('\n')}`;
}

export function sandboxFabricSettings(sandboxUrl: string, channelId: string): FabricSettings {
  return {
    baseUrl: `${sandboxUrl}/v3`,
    authUrl: `${sandboxUrl}/oauth2/default/v1/token`,
    clientId: SANDBOX_FABRIC_CLIENT.clientId,
    clientSecret: SANDBOX_FABRIC_CLIENT.clientSecret,
    tenantId: 'sandbox-tenant',
    channelId,
  };
}

/**
 * Reads and validates CHANNELS_FILE: at start (loadConfig) and at each reload (shared/channel-registry.ts). Throws a
 * ConfigError that never quotes the file's text: it holds tokens and secrets.
 */
export function loadChannelsFile(path: string): ChannelBinding[] {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    // fs errors name the path and the cause (ENOENT, EACCES), never the content.
    throw new ConfigError(`CHANNELS_FILE ${path} cannot be read as JSON: ${(error as Error).message}`);
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    // JSON.parse's message may quote the text around the fault, a token included: give its position only.
    const position = /position (\d+)/.exec((error as Error).message)?.[1];
    throw new ConfigError(`CHANNELS_FILE ${path} cannot be read as JSON: not valid JSON${position === undefined ? '' : ` (at ${lineAndColumn(text, Number(position))})`}`);
  }
  const parsed = channelsFileSchema.safeParse(raw);
  if (!parsed.success) throw new ConfigError(formatIssues(`CHANNELS_FILE ${path}`, parsed.error));
  const seen = new Set<string>();
  return parsed.data.channels.map((entry) => {
    const key = bindingKeyOf(entry.clientId, entry.channelId);
    if (seen.has(key)) throw new ConfigError(`CHANNELS_FILE ${path}: client ${entry.clientId} channel ${entry.channelId} is listed twice`);
    seen.add(key);
    return {
      key,
      clientId: entry.clientId,
      channelId: entry.channelId,
      tokens: entry.tokens,
      previousTokens: entry.previousTokens.map(({ token, validUntil }) => ({ token, validUntilMs: Date.parse(validUntil) })),
      fabric: entry.fabric,
      inventory: entry.inventory ?? null,
    };
  });
}

function lineAndColumn(text: string, offset: number): string {
  const before = text.slice(0, offset).split('\n');
  return `line ${before.length} column ${(before.at(-1)?.length ?? 0) + 1}`;
}

/** Unambiguous for any ids: each part is URI-encoded, so the '/' between them cannot occur inside one. */
export function bindingKeyOf(clientId: string, channelId: string): string {
  return `${encodeURIComponent(clientId)}/${encodeURIComponent(channelId)}`;
}

type Env = z.infer<typeof envSchema>;

const FABRIC_ENV_NAMES: Record<string, string> = {
  baseUrl: 'FABRIC_BASE_URL',
  authUrl: 'FABRIC_AUTH_URL',
  clientId: 'FABRIC_CLIENT_ID',
  clientSecret: 'FABRIC_CLIENT_SECRET',
  tenantId: 'FABRIC_TENANT_ID',
  channelId: 'FABRIC_CHANNEL_ID',
};

function singleChannel(env: Env, useSandbox: boolean): ChannelBinding {
  const fabric = useSandbox
    ? sandboxFabricSettings(`http://127.0.0.1:${env.SANDBOX_PORT}`, env.FABRIC_CHANNEL_ID)
    : fabricSettingsSchema.parse({
        baseUrl: env.FABRIC_BASE_URL,
        authUrl: env.FABRIC_AUTH_URL,
        clientId: env.FABRIC_CLIENT_ID,
        clientSecret: env.FABRIC_CLIENT_SECRET,
        tenantId: env.FABRIC_TENANT_ID,
        channelId: env.FABRIC_CHANNEL_ID,
      });
  const tokens = env.RETAILOPS_AUTH_TOKENS ?? (useSandbox ? [SANDBOX_TEST_TOKEN, SEED_EXAMPLE_TICKET] : []);
  if (tokens.length === 0) throw new ConfigError('RETAILOPS_AUTH_TOKENS is required when a real fabric is configured');
  // The SDK's published test key is short and public: fine against the sandbox, never against a real tenant.
  const short = tokens.findIndex((token) => token.length < MIN_TOKEN_LENGTH && !(useSandbox && token === SANDBOX_TEST_TOKEN));
  if (short !== -1) {
    throw new ConfigError(
      `Invalid environment:\n  - RETAILOPS_AUTH_TOKENS: token ${short + 1} is shorter than ${MIN_TOKEN_LENGTH} characters` +
        (useSandbox ? '' : ` (the SDK test key ${SANDBOX_TEST_TOKEN} is accepted only while the sandbox is the fabric)`),
    );
  }
  return {
    key: 'default',
    clientId: env.RETAILOPS_CLIENT_ID ?? null,
    channelId: env.RETAILOPS_CHANNEL_ID ?? null,
    tokens,
    previousTokens: [],
    fabric,
    inventory: env.INVENTORY_MAPPING === undefined ? (useSandbox ? SANDBOX_INVENTORY_MAPPING : null) : parseInventoryMapping(env.INVENTORY_MAPPING),
  };
}

/** INVENTORY_MAPPING: the JSON of a CHANNELS_FILE entry's `inventory`. */
function parseInventoryMapping(value: string): InventoryMapping {
  let json: unknown;
  try {
    json = JSON.parse(value);
  } catch (error) {
    throw new ConfigError(`Invalid environment:\n  - INVENTORY_MAPPING: is not valid JSON (${(error as Error).message})`);
  }
  const parsed = inventoryMappingSchema.safeParse(json);
  if (!parsed.success) throw new ConfigError(formatIssues('INVENTORY_MAPPING', parsed.error));
  return parsed.data;
}

export function loadConfig(source: NodeJS.ProcessEnv = process.env): Config {
  const parsed = envSchema.safeParse(source);
  if (!parsed.success) throw new ConfigError(formatIssues('environment', parsed.error));
  const env = parsed.data;
  const multiChannel = env.CHANNELS_FILE !== undefined;
  const useSandbox = !multiChannel && env.FABRIC_BASE_URL === undefined;
  let channels: ChannelBinding[];
  try {
    channels = multiChannel ? loadChannelsFile(env.CHANNELS_FILE as string) : [singleChannel(env, useSandbox)];
  } catch (error) {
    if (error instanceof z.ZodError) throw new ConfigError(formatIssues('fabric settings', error, FABRIC_ENV_NAMES));
    throw error;
  }
  // Node refuses a request timeout below the headers timeout; say so here rather than let the server throw.
  if (env.HEADERS_TIMEOUT_MS > env.REQUEST_TIMEOUT_MS) {
    throw new ConfigError('HEADERS_TIMEOUT_MS must not exceed REQUEST_TIMEOUT_MS (the headers are part of the request)');
  }
  const queues = (env.WORKER_QUEUES ?? [...QUEUE_NAMES]).map((name) => {
    if (!(QUEUE_NAMES as readonly string[]).includes(name)) {
      throw new ConfigError(`WORKER_QUEUES: unknown queue "${name}" (known: ${QUEUE_NAMES.join(', ')})`);
    }
    return name as QueueName;
  });
  const config: Config = {
    env: env.NODE_ENV,
    logLevel: env.LOG_LEVEL,
    host: env.HOST,
    port: env.PORT,
    v1BasePath: env.V1_BASE_PATH,
    redisUrl: env.REDIS_URL ?? null,
    redisCluster: env.REDIS_CLUSTER === 'true',
    embeddedRedis: { port: env.REDIS_PORT, dataDir: env.REDIS_DATA_DIR },
    queuePrefix: env.QUEUE_PREFIX,
    useSandbox,
    sandboxPort: env.SANDBOX_PORT,
    fabricTimeoutMs: env.FABRIC_TIMEOUT_MS,
    fabricBreaker: { threshold: env.FABRIC_BREAKER_THRESHOLD, cooldownMs: env.FABRIC_BREAKER_COOLDOWN_MS },
    fabricRateLimitPerSecond: env.FABRIC_RATE_LIMIT_PER_SECOND,
    fabricBudgetMaxWaitMs: env.FABRIC_BUDGET_MAX_WAIT_MS,
    tenantBurst: { calls: env.TENANT_BURST_CALLS, windowMs: env.TENANT_BURST_WINDOW_MS },
    inventory: {
      lanes: env.INVENTORY_LANES,
      jobSkus: env.INVENTORY_JOB_SKUS,
      bodyLimitBytes: env.INVENTORY_BODY_LIMIT_BYTES,
      budgetShare: env.FABRIC_INVENTORY_SHARE,
    },
    channels,
    multiChannel,
    channelsFile: env.CHANNELS_FILE ?? null,
    bodyLimitBytes: env.BODY_LIMIT_BYTES,
    timeouts: { headersMs: env.HEADERS_TIMEOUT_MS, requestMs: env.REQUEST_TIMEOUT_MS, keepAliveMs: env.KEEP_ALIVE_TIMEOUT_MS },
    protection: {
      rateLimit: { max: env.RATE_LIMIT_MAX, windowMs: env.RATE_LIMIT_WINDOW_MS },
      maxEventLoopDelayMs: env.MAX_EVENT_LOOP_DELAY_MS,
      // By default 80 % of this process's V8 heap limit (which --max-old-space-size sets): shed before the heap is full.
      maxHeapUsedBytes: env.MAX_HEAP_USED_MB === undefined ? Math.floor(getHeapStatistics().heap_size_limit * 0.8) : env.MAX_HEAP_USED_MB * 1024 * 1024,
      maxRssBytes: env.MAX_RSS_MB * 1024 * 1024,
    },
    dedupWindowSeconds: env.DEDUP_WINDOW_SECONDS,
    failedRetentionSeconds: env.FAILED_RETENTION_SECONDS,
    events: { maxPending: env.EVENTS_MAX_PENDING, perResponse: env.EVENTS_PER_RESPONSE },
    orderSync: {
      intervalMs: env.ORDER_SYNC_INTERVAL_MS,
      since: env.ORDER_SYNC_SINCE ?? (useSandbox ? '1970-01-01T00:00:00.000Z' : null),
      lookbackDays: env.ORDER_SYNC_LOOKBACK_DAYS,
    },
    inboxRetentionDays: env.INBOX_RETENTION_DAYS,
    auditRetentionDays: env.AUDIT_RETENTION_DAYS,
    webhookArchive: { enabled: env.WEBHOOK_ARCHIVE === 'true', retentionDays: env.WEBHOOK_ARCHIVE_DAYS ?? env.INBOX_RETENTION_DAYS },
    orderPageSizeMax: env.ORDER_PAGE_SIZE_MAX,
    worker: {
      queues,
      concurrency: env.WORKER_CONCURRENCY,
      lockDurationMs: env.WORKER_LOCK_DURATION_MS,
      stalledIntervalMs: env.WORKER_STALLED_INTERVAL_MS,
      maxStalls: env.WORKER_MAX_STALLS,
    },
    jobs: { attempts: env.JOB_ATTEMPTS, backoffMs: env.JOB_BACKOFF_MS, backoffMaxMs: env.JOB_BACKOFF_MAX_MS },
    shutdownTimeoutMs: env.SHUTDOWN_TIMEOUT_MS,
    metricsPort: env.METRICS_PORT ?? null,
    admin: { token: env.ADMIN_TOKEN ?? null, allowRetries: env.ADMIN_ALLOW_RETRIES === 'true' },
    tracing: env.OTEL_EXPORTER_OTLP_ENDPOINT === undefined ? null : { endpoint: env.OTEL_EXPORTER_OTLP_ENDPOINT, serviceName: env.OTEL_SERVICE_NAME ?? null },
  };
  return deepFreeze(config);
}

/** Returns a copy of `config` with other values (tests and the embedded launcher wire ports chosen at run time). */
export function withOverrides(config: Config, overrides: Partial<Config>): Config {
  return deepFreeze({ ...config, ...overrides });
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const inner of Object.values(value)) deepFreeze(inner);
  }
  return value;
}
