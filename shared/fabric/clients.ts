import type { ChannelBinding, Config, FabricSettings } from '../config.js';
import { BindingNotConfiguredError, bindingByKey, type ChannelSource } from '../channels.js';
import type { RedisClient } from '../redis.js';
import { CircuitBreaker } from './circuit-breaker.js';
import { fabricBreakerKey } from '../keys.js';
import { FabricRateLimiter } from './rate-limiter.js';
import { fabricBudgetKey } from '../keys.js';
import { FabricClient } from './client.js';
import { createHttpTransport } from './http.js';
import type { Logger } from '../logger.js';
import type { Metrics } from '../metrics.js';

/** The fabric tenant a binding calls: its budget, breaker and admission schedule are this tenant's, shared by bindings. */
export function tenantOf(settings: FabricSettings): string {
  return `${settings.baseUrl} tenant ${settings.tenantId}`;
}

/**
 * One fabric client (and so one cached token) per channel binding, made on first use; one circuit breaker per
 * fabric tenant, shared by the bindings that use it and, through Redis, by every process; one call budget per
 * tenant, shared through RedisClient by every worker process (FABRIC_RATE_LIMIT_PER_SECOND).
 */
export class FabricClients {
  readonly #config: Config;
  readonly #logger: Logger;
  /** Where bindings are looked up, at each call: the live ChannelRegistry in a service (default: those at start). */
  readonly #channels: ChannelSource;
  /** By binding object: a reload that changes or removes a binding leaves its old client to the garbage collector. */
  readonly #clients = new WeakMap<ChannelBinding, FabricClient>();
  readonly #breakers = new Map<string, CircuitBreaker>();
  /** One keep-alive connection pool for every binding: undici pools per origin within it. */
  readonly #http = createHttpTransport();

  readonly #metrics: Metrics | undefined;
  readonly #redis: RedisClient;

  constructor(config: Config, logger: Logger, redis: RedisClient, metrics?: Metrics, channels: ChannelSource = config) {
    this.#config = config;
    this.#channels = channels;
    this.#logger = logger;
    this.#redis = redis;
    this.#metrics = metrics;
  }

  for(bindingKey: string): FabricClient {
    const binding = bindingByKey(this.#channels, bindingKey);
    if (!binding) throw new BindingNotConfiguredError(bindingKey);
    let client = this.#clients.get(binding);
    if (!client) {
      const tenant = tenantOf(binding.fabric);
      // Metrics name the tenant by its fabric tenant id alone: what an operator knows it by; a URL is noise, and may
      // carry credentials.
      const label = { tenant: binding.fabric.tenantId };
      let breaker = this.#breakers.get(tenant);
      if (!breaker) {
        const states = { closed: 0, 'half-open': 1, open: 2 } as const;
        this.#metrics?.circuitState.set(label, 0);
        breaker = new CircuitBreaker({
          name: tenant,
          ...this.#config.fabricBreaker,
          logger: this.#logger,
          onStateChange: (state) => this.#metrics?.circuitState.set(label, states[state]),
          // One circuit per tenant for the whole deployment; a probe may take up to FABRIC_TIMEOUT_MS per request.
          shared: { redis: this.#redis, key: fabricBreakerKey(this.#config.queuePrefix, tenant) },
          callTimeoutMs: this.#config.fabricTimeoutMs,
        });
        this.#breakers.set(tenant, breaker);
      }
      const metrics = this.#metrics;
      client = new FabricClient({
        settings: binding.fabric,
        timeoutMs: this.#config.fabricTimeoutMs,
        transport: this.#http.send,
        breaker,
        ...(this.#config.fabricRateLimitPerSecond > 0
          ? { limiter: this.#budgetFor(tenant, label), inventoryLimiter: this.#inventoryShareFor(tenant, label) }
          : {}),
        ...(metrics
          ? {
              observe: (endpoint, status, seconds) => {
                metrics.fabricRequests.inc({ ...label, endpoint, status: String(status) });
                metrics.fabricDuration.observe({ ...label, endpoint }, seconds);
              },
            }
          : {}),
      });
      this.#clients.set(binding, client);
    }
    return client;
  }

  /** The tenant's call budget (FABRIC_RATE_LIMIT_PER_SECOND), shared through Redis; each wait is measured. */
  #budgetFor(tenant: string, label: { readonly tenant: string }): { acquire(): Promise<void> } {
    const limiter = new FabricRateLimiter(this.#redis, fabricBudgetKey(this.#config.queuePrefix, tenant), this.#config.fabricRateLimitPerSecond);
    return {
      acquire: async () => {
        const waitedMs = await limiter.acquire();
        this.#metrics?.fabricBudgetWait.observe(label, waitedMs / 1000);
      },
    };
  }

  /**
   * The inventory share of the tenant's budget (FABRIC_INVENTORY_SHARE of FABRIC_RATE_LIMIT_PER_SECOND, at least one
   * call a second), shared through Redis like the budget; waits on it are measured apart from the budget's.
   */
  #inventoryShareFor(tenant: string, label: { readonly tenant: string }): { acquire(): Promise<void> } {
    const perSecond = Math.max(1, Math.floor(this.#config.fabricRateLimitPerSecond * this.#config.inventory.budgetShare));
    const limiter = new FabricRateLimiter(this.#redis, fabricBudgetKey(this.#config.queuePrefix, `${tenant} inventory`), perSecond);
    return {
      acquire: async () => {
        const waitedMs = await limiter.acquire();
        this.#metrics?.fabricInventoryShareWait.observe(label, waitedMs / 1000);
      },
    };
  }

  /** Closes the connection pool; `abandon` cuts off calls still in flight (their jobs are retried as stalled). */
  async close(abandon = false): Promise<void> {
    // Their refresh timers, which keep each process's view of the shared circuits current.
    for (const breaker of this.#breakers.values()) breaker.close();
    await this.#http.close(abandon);
  }
}
