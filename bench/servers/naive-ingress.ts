// The naive bridge's ingress (the baseline of bench/pipeline.ts and bench/scaling.ts): one Fastify route taking the
// cancel webhook the real ingress takes, the body parsed by Fastify's default JSON parser and handed to one BullMQ
// queue.add with BullMQ's own random job id, answered 200. No auth, validation, dedup, lanes, rate limit, events or
// logging: the least a bridge can do per webhook and still enqueue it. (bare-http.ts's `add` mode is the same route;
// this one stands on its own so the naive bridge is one pair of files beside bench/servers/naive-worker.ts.)
// Prints `READY {"url":…}` once listening; exits on SIGTERM.
import { Queue } from 'bullmq';
import Fastify from 'fastify';
import { Redis } from 'ioredis';

const connection = new Redis(process.env['REDIS_URL'] ?? 'redis://127.0.0.1:6379', { maxRetriesPerRequest: null });
const queue = new Queue('cancel', { connection, prefix: process.env['QUEUE_PREFIX'] ?? '{naive}' });
await queue.waitUntilReady();

const app = Fastify({ logger: false, bodyLimit: 1024 * 1024 });
app.post('/orders/cancel', async (request) => {
  await queue.add('cancel', request.body);
  return { events: [] };
});

const url = await app.listen({ host: '127.0.0.1', port: Number(process.env['PORT'] ?? '0') });
process.stdout.write(`READY ${JSON.stringify({ url })}\n`);

const stop = (): void => {
  void app
    .close()
    .then(() => queue.close())
    .then(() => connection.quit())
    .finally(() => process.exit(0));
};
process.once('SIGTERM', stop);
process.once('SIGINT', stop);
