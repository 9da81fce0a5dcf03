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
    backlogAge: new Gauge({ name: 'rob_queue_oldest_waiting_job_age_seconds', help: 'Age of the oldest waiting job per queue: the backlog in seconds', labelNames: ['queue'], registers: [registry] }),
    jobDuration: new Histogram({ name: 'rob_job_duration_seconds', help: 'Job processing time by queue and outcome', labelNames: ['queue', 'outcome'], buckets: seconds, registers: [registry] }),
    jobRetries: new Counter({ name: 'rob_job_retries_total', help: 'Failed attempts that will be retried, by queue', labelNames: ['queue'], registers: [registry] }),
    fabricRequests: new Counter({ name: 'rob_fabric_requests_total', help: 'fabric calls by endpoint and status (0: no answer)', labelNames: ['endpoint', 'status'], registers: [registry] }),
    fabricDuration: new Histogram({ name: 'rob_fabric_request_duration_seconds', help: 'fabric call latency by endpoint', labelNames: ['endpoint'], buckets: seconds, registers: [registry] }),
    fabricBudgetWait: new Histogram({ name: 'rob_fabric_budget_wait_seconds', help: 'Time a fabric call waited for its slot in the tenant call budget', labelNames: ['tenant'], buckets: seconds, registers: [registry] }),
    circuitState: new Gauge({ name: 'rob_fabric_circuit_state', help: 'Circuit breaker per fabric tenant: 0 closed, 1 half-open, 2 open', labelNames: ['tenant'], registers: [registry] }),
    eventsRecorded: new Counter({ name: 'rob_events_recorded_total', help: 'Failure events stored for RetailOPS', labelNames: ['client', 'channel', 'severity'], registers: [registry] }),
    eventsDelivered: new Counter({ name: 'rob_events_delivered_total', help: 'Failure events delivered in a written response', labelNames: ['client', 'channel'], registers: [registry] }),
    eventsDropped: new Counter({ name: 'rob_events_dropped_total', help: 'Pending failure events dropped over the cap', labelNames: ['client', 'channel'], registers: [registry] }),
    eventsPending: new Gauge({ name: 'rob_events_pending', help: 'Failure events waiting for a response, by client and channel (read at scrape time)', labelNames: ['client', 'channel'], registers: [registry] }),
  };
}

export type Metrics = ReturnType<typeof createMetrics>;
