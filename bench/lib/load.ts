import autocannon from 'autocannon';

export interface LoadResult {
  /** 2xx responses per second over the measured run. */
  readonly requestsPerSecond: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly p999Ms: number;
  readonly meanMs: number;
  readonly maxMs: number;
  readonly ok: number;
  /** Socket errors (timeouts included) and non-2xx answers. */
  readonly errors: number;
  readonly non2xx: number;
  readonly timeouts: number;
  readonly seconds: number;
  readonly statusCodes: Record<string, number>;
}

export interface LoadOptions {
  readonly url: string;
  readonly connections: number;
  /** Seconds; or `amount` requests. */
  readonly duration?: number;
  readonly amount?: number;
  readonly requests: autocannon.Request[];
}

/** One autocannon run from this process (the services under test run in their own processes). */
export async function load(options: LoadOptions): Promise<LoadResult> {
  const started = performance.now();
  const result = await autocannon({
    url: options.url,
    connections: options.connections,
    pipelining: 1,
    timeout: 10,
    requests: options.requests,
    ...(options.amount !== undefined ? { amount: options.amount } : { duration: options.duration ?? 10 }),
  });
  const seconds = options.amount !== undefined ? (performance.now() - started) / 1000 : result.duration;
  const statusCodes = Object.fromEntries(Object.entries(result.statusCodeStats).map(([code, stats]) => [code, stats.count]));
  return {
    requestsPerSecond: result['2xx'] / seconds,
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
    p999Ms: result.latency.p99_9,
    meanMs: result.latency.mean,
    maxMs: result.latency.max,
    ok: result['2xx'],
    errors: result.errors + result.non2xx,
    non2xx: result.non2xx,
    timeouts: result.timeouts,
    seconds,
    statusCodes,
  };
}
