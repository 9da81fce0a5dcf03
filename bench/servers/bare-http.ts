// Baselines for the ingress acknowledgement benchmark, run as a child process like the ingress itself:
//   BARE_MODE=route  a bare Fastify route answering {"events":[]} (the ceiling: HTTP and JSON only, no Redis)
//   BARE_MODE=add    the same route doing one BullMQ queue.add of the body on a plain ioredis connection
//                    (no auto-pipelining, no validation, no auth, no logging): the naive enqueue
// Prints `READY {"url":…}` once listening; exits on SIGTERM.
import { Queue } from 'bullmq';
import Fastify from 'fastify';
import { Redis } from 'ioredis';

const mode = process.env['BARE_MODE'] === 'add' ? 'add' : 'route';
const redisUrl = process.env['REDIS_URL'] ?? 'redis://127.0.0.1:6379';
const prefix = process.env['QUEUE_PREFIX'] ?? '{bare}';

const app = Fastify({ logger: false, bodyLimit: 1024 * 1024 });
let close = async (): Promise<void> => undefined;

if (mode === 'add') {
  const connection = new Redis(redisUrl, { maxRetriesPerRequest: null });
  const queue = new Queue('cancel', { connection, prefix });
  await queue.waitUntilReady();
  app.post('/orders/cancel', async (request) => {
    await queue.add('cancel', request.body);
    return { events: [] };
  });
  close = async () => {
    await queue.close();
    connection.disconnect();
  };
} else {
  app.post('/orders/cancel', async () => ({ events: [] }));
}

const url = await app.listen({ host: '127.0.0.1', port: 0 });
process.stdout.write(`READY ${JSON.stringify({ url, mode })}\n`);

const stop = (): void => {
  void app
    .close()
    .then(close)
    .finally(() => process.exit(0));
};
process.once('SIGTERM', stop);
process.once('SIGINT', stop);
