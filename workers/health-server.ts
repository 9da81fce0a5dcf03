import { createServer, type Server } from 'node:http';
import type { Logger } from 'pino';
import { collectQueueMetrics } from '../shared/metrics-collect.js';
import type { RunningWorkers } from './start-workers.js';

/**
 * A worker process's own small HTTP server (METRICS_PORT): GET /metrics, /healthz (the process answers) and /readyz
 * (Redis reachable and every worker running).
 */
export async function startHealthServer(running: RunningWorkers, host: string, port: number, logger: Logger): Promise<Server> {
  const server = createServer((request, response) => {
    const send = (status: number, type: string, body: string) => {
      response.writeHead(status, { 'content-type': type });
      response.end(body);
    };
    const path = (request.url ?? '/').split('?')[0];
    if (request.method !== 'GET') return send(405, 'application/json', '{"error":"method not allowed"}');
    if (path === '/healthz') return send(200, 'application/json', '{"status":"ok"}');
    if (path === '/readyz') {
      const ready = running.redis.status === 'ready' && running.workers.every((worker) => worker.isRunning());
      return send(ready ? 200 : 503, 'application/json', JSON.stringify({ status: ready ? 'ready' : 'unavailable', redis: running.redis.status }));
    }
    if (path === '/metrics') {
      void (async () => {
        try {
          if (running.redis.status === 'ready') await collectQueueMetrics(running.metrics, running.redis, running.queues);
          send(200, running.metrics.registry.contentType, await running.metrics.registry.metrics());
        } catch (error) {
          logger.error({ err: error }, 'metrics collection failed');
          send(500, 'application/json', '{"error":"metrics unavailable"}');
        }
      })();
      return undefined;
    }
    return send(404, 'application/json', '{"error":"not found"}');
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  return server;
}
