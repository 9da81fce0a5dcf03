// Baseline for the pipeline benchmark: a bare BullMQ Worker with a no-op processor at the concurrency the real
// workers use, on a plain ioredis connection. Prints `READY {}` once connected; exits on SIGTERM.
import { Worker } from 'bullmq';
import { Redis } from 'ioredis';

const connection = new Redis(process.env['REDIS_URL'] ?? 'redis://127.0.0.1:6379', { maxRetriesPerRequest: null });
const worker = new Worker(process.env['BARE_QUEUE'] ?? 'cancel', async () => undefined, {
  connection,
  prefix: process.env['QUEUE_PREFIX'] ?? '{bare}',
  concurrency: Number(process.env['BARE_CONCURRENCY'] ?? '10'),
});
worker.on('error', (error) => console.error(error));
await worker.waitUntilReady();
process.stdout.write('READY {}\n');

const stop = (): void => {
  void worker
    .close()
    .then(() => connection.quit())
    .finally(() => process.exit(0));
};
process.once('SIGTERM', stop);
process.once('SIGINT', stop);
