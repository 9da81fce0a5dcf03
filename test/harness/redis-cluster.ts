import { execFileSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, startRedisServer, type RunningRedisServer } from '../../scripts/redis-server.js';

/** A local Redis Cluster of three masters, from redis-server processes and `redis-cli --cluster create`. */
export interface LocalCluster {
  readonly url: string;
  stop(): Promise<void>;
}

export async function startRedisCluster(): Promise<LocalCluster> {
  const dir = mkdtempSync(join(tmpdir(), 'rob-cluster-'));
  const servers: RunningRedisServer[] = [];
  try {
    for (let index = 0; index < 3; index += 1) {
      const port = await freePort();
      servers.push(
        await startRedisServer({
          port,
          dataDir: null,
          extraArgs: ['--cluster-enabled', 'yes', '--cluster-config-file', join(dir, `nodes-${port}.conf`), '--cluster-node-timeout', '2000'],
        }),
      );
    }
    const nodes = servers.map((server) => `127.0.0.1:${server.port}`);
    execFileSync('redis-cli', ['--cluster', 'create', ...nodes, '--cluster-replicas', '0', '--cluster-yes'], { stdio: 'ignore', timeout: 20_000 });
    const first = servers[0] as RunningRedisServer;
    const deadline = Date.now() + 20_000;
    while (!execFileSync('redis-cli', ['-p', String(first.port), 'cluster', 'info'], { encoding: 'utf8' }).includes('cluster_state:ok')) {
      if (Date.now() > deadline) throw new Error('the local cluster did not reach cluster_state:ok');
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    return { url: first.url, stop: async () => void (await Promise.all(servers.map((server) => server.stop()))) };
  } catch (error) {
    await Promise.all(servers.map((server) => server.stop()));
    throw error;
  }
}
