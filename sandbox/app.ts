// Builds the fabric sandbox as a Fastify app that never listens (server.ts does), so tests can
// drive it with inject() and each app owns its own state, tokens, ledger and faults.
import Fastify, { type FastifyInstance, type FastifyServerOptions } from 'fastify';
import { z } from 'zod';
import type { ClientCredentials, SandboxContext } from './context.js';
import { ContractChecks, installContractChecks } from './contract/checks.js';
import { sharedContractValidator } from './contract/contract.js';
import { sandboxErrorHandler, sandboxNotFoundHandler } from './error-handler.js';
import { FaultInjector, faultConfigInputSchema, type FaultConfig } from './faults.js';
import { InventoryState } from './inventory-state.js';
import { CallTracker, Ledger } from './ledger.js';
import { buildContractHookRoutes } from './routes/contract-hooks.js';
import { buildTestHookRoutes } from './routes/test-hooks.js';
import { buildTokenRoutes } from './routes/token.js';
import { buildV3Routes } from './routes/v3.js';
import { Sleeper } from './sleep.js';
import { SandboxState, buildDemoOrders } from './state.js';
import { TokenStore } from './tokens.js';

export interface SandboxOptions {
  /** OAuth clients accepted by the token endpoint. @defaultValue one: sandbox-client / sandbox-secret */
  clients?: ClientCredentials[];
  /** Faults active from the start (what POST /_sandbox/faults would set). @defaultValue none */
  faults?: Partial<FaultConfig>;
  /** Fastify/pino logger options. @defaultValue false (silent) */
  logger?: FastifyServerOptions['logger'];
  /** Lifetime of issued access tokens, in seconds. @defaultValue 600 (fabric's) */
  tokenTtlSeconds?: number;
  /** How long a simulated timeout (timeoutRate) hangs before answering, in ms. @defaultValue 30000 */
  timeoutHangMs?: number;
  /** Clock in epoch ms, for token expiry and timestamps. @defaultValue Date.now */
  now?: () => number;
  /** Random source for errorRate/timeoutRate, 0 ≤ x < 1. @defaultValue Math.random */
  random?: () => number;
  /**
   * Check every answer against fabric's published response schemas and log every exchange the contract covers
   * (GET /_sandbox/contract-violations, /_sandbox/contract-exchanges); requests are always checked. Tests turn it on.
   * @defaultValue false
   */
  validateResponses?: boolean;
}

export const defaultClients: readonly ClientCredentials[] = Object.freeze([
  { clientId: 'sandbox-client', clientSecret: 'sandbox-secret' },
]);

// Options are checked once here, so a bad test setup fails at build time rather than per request.
const optionsSchema = z.object({
  clients: z.array(z.object({ clientId: z.string().min(1), clientSecret: z.string().min(1) })).min(1).optional(),
  faults: faultConfigInputSchema.optional(),
  tokenTtlSeconds: z.number().positive().optional(),
  timeoutHangMs: z.number().int().min(0).optional(),
});

function buildContext(options: SandboxOptions): SandboxContext {
  const checked = optionsSchema.safeParse({
    clients: options.clients,
    faults: options.faults,
    tokenTtlSeconds: options.tokenTtlSeconds,
    timeoutHangMs: options.timeoutHangMs,
  });
  if (!checked.success) throw new Error(`Invalid sandbox options: ${z.prettifyError(checked.error)}`);

  const now = options.now ?? Date.now;
  const nowIso = (): string => new Date(now()).toISOString();
  return {
    state: new SandboxState(() => buildDemoOrders(nowIso())),
    inventory: new InventoryState(),
    ledger: new Ledger(),
    tracker: new CallTracker(),
    tokens: new TokenStore(options.tokenTtlSeconds ?? 600, now),
    faults: new FaultInjector(options.faults ?? {}, options.random ?? Math.random),
    sleeper: new Sleeper(),
    clients: options.clients ?? defaultClients,
    timeoutHangMs: options.timeoutHangMs ?? 30_000,
    contract: new ContractChecks(sharedContractValidator(), options.validateResponses ?? false),
    nowIso,
  };
}

export function buildSandboxApp(options: SandboxOptions = {}): FastifyInstance {
  const ctx = buildContext(options);
  const app = Fastify({ logger: options.logger ?? false });

  app.setErrorHandler(sandboxErrorHandler);
  app.setNotFoundHandler(sandboxNotFoundHandler);
  // Simulated latency and timeouts must not hold up shutdown.
  app.addHook('preClose', async () => ctx.sleeper.wakeAll());
  installContractChecks(app, {
    checks: ctx.contract,
    nowIso: ctx.nowIso,
    track: (request, kind, orderNumber) => ctx.tracker.track(request, kind, orderNumber, ctx.nowIso()),
  });

  void app.register(buildTokenRoutes(ctx));
  void app.register(buildV3Routes(ctx), { prefix: '/v3' });
  void app.register(buildTestHookRoutes(ctx), { prefix: '/_sandbox' });
  void app.register(buildContractHookRoutes(ctx), { prefix: '/_sandbox' });
  return app;
}
