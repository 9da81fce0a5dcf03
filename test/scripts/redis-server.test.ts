import { createServer } from 'node:net';
import { Redis } from 'ioredis';
import { describe, expect, it } from 'vitest';
import { freePort, portIsFree, RedisPortBusyError, startRedisServer } from '../../scripts/redis-server.js';

/** The redis-server child of `npm start` and of the tests: only ever one it started itself. */
describe('startRedisServer', () => {
  it('starts a server that reports the child pid, and frees the port on stop', async () => {
    const redis = await startRedisServer({ port: await freePort(), dataDir: null });
    const probe = new Redis(redis.url);
    try {
      expect(/^process_id:(\d+)/m.exec(await probe.info('server'))?.[1]).toBe(String(redis.pid));
    } finally {
      probe.disconnect();
      await redis.stop();
    }
    expect(await portIsFree(redis.port)).toBe(true);
  });

  it('refuses a port something else listens on, without spawning', async () => {
    const server = createServer((socket) => socket.destroy());
    const port = await freePort();
    await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
    try {
      await expect(startRedisServer({ port, dataDir: null })).rejects.toBeInstanceOf(RedisPortBusyError);
      await expect(startRedisServer({ port, dataDir: null })).rejects.toThrow(`REDIS_PORT ${port} is in use`);
    } finally {
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });
});
