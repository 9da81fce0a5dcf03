import { existsSync } from 'node:fs';
import { freePort, startRedisServer, type RunningRedisServer } from '../../scripts/redis-server.js';

/**
 * The Redis the tests run against: REDIS_URL when set, a testcontainers Redis when a container runtime answers,
 * else a redis-server child on a free port. Never the machine's shared instance by accident.
 */
export interface TestRedis {
  readonly url: string;
  readonly source: 'REDIS_URL' | 'testcontainers' | 'redis-server';
  stop(): Promise<void>;
}

function containerRuntimeLikely(): boolean {
  return Boolean(process.env['DOCKER_HOST']) || existsSync('/var/run/docker.sock') || existsSync(`${process.env['HOME'] ?? ''}/.docker/run/docker.sock`);
}

async function fromTestcontainers(): Promise<TestRedis | null> {
  if (!containerRuntimeLikely()) return null;
  try {
    const { RedisContainer } = await import('@testcontainers/redis');
    const container = await new RedisContainer('redis:7-alpine').start();
    return { url: container.getConnectionUrl(), source: 'testcontainers', stop: async () => void (await container.stop()) };
  } catch {
    return null;
  }
}

export async function startTestRedis(): Promise<TestRedis> {
  const given = process.env['REDIS_URL'];
  if (given) return { url: given, source: 'REDIS_URL', stop: async () => undefined };
  const container = await fromTestcontainers();
  if (container) return container;
  const server: RunningRedisServer = await startRedisServer({ port: await freePort(), dataDir: null });
  return { url: server.url, source: 'redis-server', stop: server.stop };
}
