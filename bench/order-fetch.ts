// 4. Order fetch: GET /orders (seed 000's bracket query, ticket in headers[ticket]) for a page of 50 out of an
// inbox of 10,000 pending orders, at random page states: latency of one caller at a time (RetailOPS polls one
// page after another), then throughput and latency under 16 concurrent callers for context.
import { Agent, request } from 'node:http';
import { InboxStore } from '../shared/inbox/store.js';
import { load } from './lib/load.js';
import { inboxOrders } from './lib/orders.js';
import { seedFetchQuery } from './lib/payloads.js';
import type { BenchOptions, BenchResult, Benchmark } from './lib/report.js';
import { withScope } from './lib/scope.js';
import { startIngressChild, startRedis, uniquePrefix } from './lib/services.js';
import { percentile, round } from './lib/util.js';

export function settings(quick: boolean) {
  return quick
    ? { inbox: 10_000, pageSize: 50, warmup: 100, requests: 200, loadConnections: 16, loadSeconds: 1.5 }
    : { inbox: 10_000, pageSize: 50, warmup: 300, requests: 2_000, loadConnections: 16, loadSeconds: 5 };
}

function get(agent: Agent, url: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { agent, method: 'GET' }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString() }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end();
  });
}

export const orderFetch: Benchmark = {
  name: 'order-fetch',
  title: 'Order fetch: a page of 50 from an inbox of 10,000',
  async run({ quick, nodeArgs }: BenchOptions): Promise<BenchResult> {
    const config = settings(quick);
    return withScope('order-fetch', async (scope) => {
      const redis = await startRedis(scope);
      const prefix = uniquePrefix();
      const inbox = new InboxStore(redis.client, prefix);
      const orders = inboxOrders(1_000_000, config.inbox);
      for (let offset = 0; offset < orders.length; offset += 500) await inbox.add('default', orders.slice(offset, offset + 500));
      const pending = await inbox.pendingCount('default');
      if (pending !== config.inbox) throw new Error(`inbox holds ${pending} pending orders, expected ${config.inbox}`);
      const inboxBytes = await redis.usedMemory();

      const ingress = await startIngressChild(scope, { redisUrl: redis.url, prefix, ...(nodeArgs ? { nodeArgs } : {}) });
      const agent = scope.defer('http agent', new Agent({ keepAlive: true, maxSockets: 1 }), (value) => value.destroy());
      const maxState = config.inbox - config.pageSize;
      const pageStates = (count: number) => Array.from({ length: count }, () => Math.floor(Math.random() * (maxState + 1)));

      let checked = 0;
      let bytes = 0;
      const timings: number[] = [];
      for (const [phase, states] of [['warmup', pageStates(config.warmup)], ['measured', pageStates(config.requests)]] as const) {
        for (const state of states) {
          const started = performance.now();
          const response = await get(agent, `${ingress.url}${seedFetchQuery(state, config.pageSize)}`);
          const ms = performance.now() - started;
          if (response.status !== 200) throw new Error(`GET /orders answered ${response.status}: ${response.body.slice(0, 300)}`);
          if (phase === 'measured') {
            timings.push(ms);
            bytes += response.body.length;
            if (timings.length % 50 === 1) {
              const page = JSON.parse(response.body) as { orders: unknown[] };
              if (page.orders.length !== config.pageSize) throw new Error(`a page held ${page.orders.length} orders, expected ${config.pageSize}`);
              checked += 1;
            }
          }
        }
      }
      timings.sort((a, b) => a - b);
      const p50 = percentile(timings, 50);
      const p99 = percentile(timings, 99);

      const loaded = await load({
        url: ingress.url,
        connections: config.loadConnections,
        duration: config.loadSeconds,
        requests: [{ method: 'GET', setupRequest: (req) => ({ ...req, path: seedFetchQuery(Math.floor(Math.random() * (maxState + 1)), config.pageSize) }) }],
      });

      return {
        name: 'order-fetch',
        title: 'Order fetch',
        figures: [
          { figure: 'p50 latency, one caller', value: p50, unit: 'ms', target: '<= 5 ms', met: p50 <= 5, note: `${timings.length} requests, ~${Math.round(bytes / timings.length / 1024)} KB per page` },
          { figure: 'p99 latency, one caller', value: p99, unit: 'ms', note: `max ${round(timings.at(-1) ?? 0)} ms` },
          {
            figure: `throughput, ${config.loadConnections} callers`,
            value: loaded.requestsPerSecond,
            unit: 'pages/s',
            note: `p50 ${loaded.p50Ms} ms, p99 ${loaded.p99Ms} ms, ${loaded.errors} errors`,
          },
        ],
        details: { settings: config, pending, inboxUsedMemory: inboxBytes, pagesChecked: checked, sequential: { p50, p90: percentile(timings, 90), p99, p999: percentile(timings, 99.9), max: timings.at(-1) }, loaded },
      };
    });
  },
};
