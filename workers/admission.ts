// Admission to a tenant's fabric call budget, job by job. A call over the budget waits for its slot
// (shared/fabric/rate-limiter.ts); waiting inside a worker slot is fine for a moment, but a tenant far over its
// budget would otherwise put every slot of every worker to sleep on its own calls while other tenants' jobs queue
// behind. So before a job runs, it reserves its tenant's next admission slot: an admission schedule per tenant paced at
// the budget divided by the calls the job is expected to make. A slot within FABRIC_BUDGET_MAX_WAIT_MS is waited for
// in place; a later one gives the worker slot back: the job is moved to delayed until its slot, without spending an
// attempt (as a job waiting for its order lane is), and runs there without reserving again. Its calls still take
// their budget slots, which the admission pacing keeps close.
import { DelayedError, type Job } from 'bullmq';
import { bindingByKey, type ChannelSource } from '../shared/channels.js';
import type { Config } from '../shared/config.js';
import { FabricRateLimiter } from '../shared/fabric/rate-limiter.js';
import { tenantOf } from '../shared/fabric/clients.js';
import { admissionKey, fabricBudgetKey } from '../shared/keys.js';
import { jobCalls, type JobData } from '../shared/jobs/contract.js';
import type { Metrics } from '../shared/metrics.js';
import type { RedisClient } from '../shared/redis.js';
import { noteOnSpan } from '../shared/telemetry/spans.js';

/** How long a given-back job's slot is remembered past its time (the job may come back late: a busy queue). */
const MARKER_GRACE_MS = 60_000;

export class TenantAdmission {
  readonly #redis: RedisClient;
  readonly #config: Config;
  /** The live bindings (a reload of CHANNELS_FILE may add or move one: shared/channel-registry.ts). */
  readonly #channels: ChannelSource;
  readonly #metrics: Metrics | undefined;
  readonly #limiters = new Map<string, FabricRateLimiter>();

  constructor(redis: RedisClient, config: Config, channels: ChannelSource, metrics?: Metrics) {
    this.#redis = redis;
    this.#config = config;
    this.#channels = channels;
    this.#metrics = metrics;
  }

  /**
   * Returns when the job may run; or moves it to delayed until its admission slot and throws DelayedError. Jobs of a
   * tenant with no budget (FABRIC_RATE_LIMIT_PER_SECOND 0), and jobs of a binding this process does not know (the
   * processor reports those), are admitted at once.
   */
  async admit(job: Job, data: JobData, token: string | undefined): Promise<void> {
    const perSecond = this.#config.fabricRateLimitPerSecond;
    const binding = bindingByKey(this.#channels, data.meta.bindingKey);
    if (perSecond <= 0 || !binding || !job.id) return;
    const marker = admissionKey(this.#config.queuePrefix, job.id);
    const limiter = this.#limiter(tenantOf(binding.fabric), data.kind === 'inventory.push');
    const maxWaitMs = this.#config.fabricBudgetMaxWaitMs;
    const waitMs = await limiter.admit(marker, jobCalls(data.kind, data.payload), maxWaitMs, MARKER_GRACE_MS);
    noteOnSpan('fabric_budget.wait_ms', waitMs);
    const label = { tenant: binding.fabric.tenantId };
    if (waitMs <= maxWaitMs) {
      this.#metrics?.fabricAdmissionWait.observe({ ...label, outcome: 'waited' }, waitMs / 1000);
      if (waitMs > 0) await new Promise((resolve) => setTimeout(resolve, waitMs));
      return;
    }
    this.#metrics?.fabricAdmissionWait.observe({ ...label, outcome: 'given-back' }, waitMs / 1000);
    await job.moveToDelayed(Date.now() + waitMs, token);
    throw new DelayedError();
  }

  /** One admission schedule per tenant (and one for its inventory share), paced like its budget. */
  #limiter(tenant: string, inventory: boolean): FabricRateLimiter {
    const name = inventory ? `${tenant} inventory` : tenant;
    let limiter = this.#limiters.get(name);
    if (!limiter) {
      const budget = this.#config.fabricRateLimitPerSecond;
      const perSecond = inventory ? Math.max(1, Math.floor(budget * this.#config.inventory.budgetShare)) : budget;
      limiter = new FabricRateLimiter(this.#redis, fabricBudgetKey(this.#config.queuePrefix, `${name} admission`), perSecond);
      this.#limiters.set(name, limiter);
    }
    return limiter;
  }
}
