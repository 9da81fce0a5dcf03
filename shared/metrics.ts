import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/**
 * Every Prometheus metric the service exposes, defined once per registry. A process has one registry (npm start
 * runs the ingress and the workers in one process and serves both from the ingress's /metrics); names follow
 * Prometheus conventions (`_total`, `_seconds`, base units).
 */
export function createMetrics(registry: Registry = new Registry()) {
  collectDefaultMetrics({ register: registry, prefix: 'rob_' });
  const seconds = [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];
  return {
    registry,
    httpRequests: new Counter({ name: 'rob_http_requests_total', help: 'Ingress requests by route, method and status', labelNames: ['route', 'method', 'status'], registers: [registry] }),
    httpDuration: new Histogram({ name: 'rob_http_request_duration_seconds', help: 'Ingress request latency', labelNames: ['route', 'method'], buckets: seconds, registers: [registry] }),
    jobs: new Gauge({ name: 'rob_jobs', help: 'Jobs by queue and state (read from Redis at scrape time)', labelNames: ['queue', 'state'], registers: [registry] }),
    backlogAge: new Gauge({
      name: 'rob_queue_oldest_waiting_job_age_seconds',
      help: 'The backlog per queue: seconds since the oldest job not yet done was enqueued, counting jobs waiting, prioritized and delayed (backing off after a failed attempt, waiting for the fabric circuit, or parked behind an earlier action of the same order); a job scheduled for later counts from when it is due. 0 when none waits',
      labelNames: ['queue'],
      registers: [registry],
    }),
    tenantBacklog: new Gauge({ name: 'rob_tenant_backlog_jobs', help: 'Jobs not yet done (waiting, prioritized, delayed) per RetailOPS client and channel, over every queue (read at scrape time from at most 10,000 job ids per list)', labelNames: ['client', 'channel'], registers: [registry] }),
    tenantBacklogAge: new Gauge({ name: 'rob_tenant_backlog_oldest_age_seconds', help: "Seconds since the client and channel's oldest job not yet done was due, over every queue (read at scrape time)", labelNames: ['client', 'channel'], registers: [registry] }),
    jobDuration: new Histogram({ name: 'rob_job_duration_seconds', help: 'Job processing time by queue and outcome', labelNames: ['queue', 'outcome'], buckets: seconds, registers: [registry] }),
    jobRetries: new Counter({ name: 'rob_job_retries_total', help: 'Failed attempts that will be retried, by queue', labelNames: ['queue'], registers: [registry] }),
    jobFailures: new Counter({ name: 'rob_job_failures_total', help: 'Jobs that failed for good, by queue and failure code (the code of the failure event RetailOPS receives, docs/errors.md)', labelNames: ['queue', 'code'], registers: [registry] }),
    jobsStalled: new Counter({ name: 'rob_jobs_stalled_total', help: 'Jobs taken back from a worker lost while running them (killed, frozen past the lock, stopped before they finished), by queue', labelNames: ['queue'], registers: [registry] }),
    jobLocksLost: new Counter({ name: 'rob_job_locks_lost_total', help: 'Attempts stopped because their worker no longer held the job (its lock expired and the job was taken back): nothing was changed in fabric', labelNames: ['queue'], registers: [registry] }),
    webhooksDeduplicated: new Counter({ name: 'rob_webhooks_deduplicated_total', help: 'Webhooks answered 200 without a new job: the same action was already queued or done within DEDUP_WINDOW_SECONDS', labelNames: ['queue'], registers: [registry] }),
    // `tenant` is the fabric tenant id (FABRIC_TENANT_ID, or the channel file's tenantId): readable, never a secret.
    fabricRequests: new Counter({ name: 'rob_fabric_requests_total', help: 'fabric calls by tenant, endpoint and status (0: no answer)', labelNames: ['tenant', 'endpoint', 'status'], registers: [registry] }),
    fabricDuration: new Histogram({ name: 'rob_fabric_request_duration_seconds', help: 'fabric call latency by tenant and endpoint', labelNames: ['tenant', 'endpoint'], buckets: seconds, registers: [registry] }),
    fabricBudgetWait: new Histogram({ name: 'rob_fabric_budget_wait_seconds', help: 'Time a fabric call waited for its slot in the tenant call budget', labelNames: ['tenant'], buckets: seconds, registers: [registry] }),
    fabricAdmissionWait: new Histogram({ name: 'rob_fabric_admission_wait_seconds', help: "How far a job's admission slot in its tenant's call budget was when it was about to run; outcome waited (within FABRIC_BUDGET_MAX_WAIT_MS, in its worker slot) or given-back (moved to delayed until its slot, the worker slot freed for other tenants)", labelNames: ['tenant', 'outcome'], buckets: seconds, registers: [registry] }),
    fabricInventoryShareWait: new Histogram({ name: 'rob_fabric_inventory_share_wait_seconds', help: 'Time an inventory write waited for its slot in the inventory share of the tenant call budget (FABRIC_INVENTORY_SHARE), before its budget slot', labelNames: ['tenant'], buckets: seconds, registers: [registry] }),
    inventoryWrites: new Counter({ name: 'rob_inventory_writes_total', help: 'Inventory writes of pushes by result: set (fabric took the counters), created, unknown (no inventory at the location), refused', labelNames: ['result'], registers: [registry] }),
    circuitState: new Gauge({ name: 'rob_fabric_circuit_state', help: 'Circuit breaker per fabric tenant: 0 closed, 1 half-open, 2 open', labelNames: ['tenant'], registers: [registry] }),
    eventsRecorded: new Counter({ name: 'rob_events_recorded_total', help: 'Failure events stored for RetailOPS', labelNames: ['client', 'channel', 'severity'], registers: [registry] }),
    eventsDelivered: new Counter({ name: 'rob_events_delivered_total', help: 'Failure events delivered in a written response', labelNames: ['client', 'channel'], registers: [registry] }),
    eventsDropped: new Counter({ name: 'rob_events_dropped_total', help: 'Pending failure events dropped over the cap', labelNames: ['client', 'channel'], registers: [registry] }),
    eventsPending: new Gauge({ name: 'rob_events_pending', help: 'Failure events waiting for a response, by client and channel (read at scrape time)', labelNames: ['client', 'channel'], registers: [registry] }),
    // Per channel binding (`default`, or `<client>/<channel>` with CHANNELS_FILE): bounded by the configuration.
    inboxPending: new Gauge({ name: 'rob_inbox_pending_orders', help: 'Orders synced from fabric and not yet acknowledged by RetailOPS, per channel binding (read at scrape time)', labelNames: ['binding'], registers: [registry] }),
    inboxOldestPendingAge: new Gauge({
      name: 'rob_inbox_oldest_pending_order_age_seconds',
      help: 'Seconds since the customer placed the oldest order not yet acknowledged by RetailOPS (the first the next fetch returns), per channel binding; 0 when none (read at scrape time)',
      labelNames: ['binding'],
      registers: [registry],
    }),
    orderSyncSkipped: new Counter({
      name: 'rob_order_sync_skipped_total',
      help: 'fabric orders the order sync could not read or map and skipped (the rest of the page went on), per channel binding; `npm run ops -- sync skipped` lists them',
      labelNames: ['binding'],
      registers: [registry],
    }),
    orderSyncLastSuccess: new Gauge({
      name: 'rob_order_sync_last_success_timestamp_seconds',
      help: 'Unix time at which the last order sync of the channel binding completed; 0 before the first (read at scrape time)',
      labelNames: ['binding'],
      registers: [registry],
    }),
  };
}

export type Metrics = ReturnType<typeof createMetrics>;

/**
 * A failure code as a label value. Codes are the bridge's own or fabric's `errorCode` (docs/errors.md), a small set;
 * anything that does not look like a code (fabric is another system) becomes OTHER, so a label cannot grow unbounded.
 */
export function failureCodeLabel(code: string): string {
  return /^[A-Za-z0-9_.-]{1,64}$/.test(code) ? code : 'OTHER';
}
