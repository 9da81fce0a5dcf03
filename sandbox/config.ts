// The sandbox's environment, parsed once at start by main.ts: no other sandbox module reads
// process.env. Bad values fail fast with every problem named.
import { z } from 'zod';
import type { ClientCredentials } from './context.js';
import type { FaultConfig } from './faults.js';

export interface SandboxConfig {
  host: string;
  port: number;
  clients: ClientCredentials[];
  faults: Partial<FaultConfig>;
  logLevel: string;
}

/** An empty variable counts as unset; otherwise "" would coerce to port 0 or rate 0 silently. */
const env = <T extends z.ZodType>(schema: T) =>
  z.preprocess((value) => (typeof value === 'string' && value.trim() === '' ? undefined : value), schema);

/** The sandbox's environment variables; .env.example documents each (test/unit/env-example.test.ts). */
export const sandboxEnvSchema = z.object({
  SANDBOX_HOST: env(z.string().default('127.0.0.1')),
  SANDBOX_PORT: env(z.coerce.number().int().min(0).max(65535).default(4010)),
  SANDBOX_CLIENT_ID: env(z.string().default('sandbox-client')),
  SANDBOX_CLIENT_SECRET: env(z.string().default('sandbox-secret')),
  SANDBOX_FAULT_ERROR_RATE: env(z.coerce.number().min(0).max(1).default(0)),
  SANDBOX_FAULT_STATUS: env(z.coerce.number().int().min(400).max(599).default(503)),
  SANDBOX_FAULT_RETRY_AFTER_SECONDS: env(z.coerce.number().int().min(0).optional()),
  SANDBOX_FAULT_LATENCY_MS: env(z.coerce.number().int().min(0).max(120_000).default(0)),
  SANDBOX_LOG_LEVEL: env(z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info')),
});

export class SandboxConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid sandbox configuration:\n${problems.map((problem) => `  - ${problem}`).join('\n')}`);
    this.name = 'SandboxConfigError';
  }
}

export function loadSandboxConfig(source: Record<string, string | undefined> = process.env): Readonly<SandboxConfig> {
  const parsed = sandboxEnvSchema.safeParse(source);
  if (!parsed.success) {
    throw new SandboxConfigError(
      parsed.error.issues.map((issue) => {
        const name = issue.path.map(String).join('.');
        return `${name}=${JSON.stringify(source[name] ?? null)}: ${issue.message}`;
      }),
    );
  }
  const e = parsed.data;
  return Object.freeze({
    host: e.SANDBOX_HOST,
    port: e.SANDBOX_PORT,
    clients: [{ clientId: e.SANDBOX_CLIENT_ID, clientSecret: e.SANDBOX_CLIENT_SECRET }],
    faults: {
      errorRate: e.SANDBOX_FAULT_ERROR_RATE,
      status: e.SANDBOX_FAULT_STATUS,
      retryAfterSeconds: e.SANDBOX_FAULT_RETRY_AFTER_SECONDS ?? null,
      latencyMs: e.SANDBOX_FAULT_LATENCY_MS,
    },
    logLevel: e.SANDBOX_LOG_LEVEL,
  });
}
