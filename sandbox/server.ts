// Starts the sandbox on a real port (0 picks a free one) and reports the base URL to use.
import type { AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';
import { buildSandboxApp, type SandboxOptions } from './app.js';

export interface StartSandboxOptions extends SandboxOptions {
  /** @defaultValue 127.0.0.1 */
  host?: string;
  /** 0 picks a free port. @defaultValue 4010 */
  port?: number;
}

export interface RunningSandbox {
  /** Base URL without a trailing slash, e.g. http://127.0.0.1:4010 */
  url: string;
  app: FastifyInstance;
  /** Idempotent; ends pending simulated delays first. */
  close(): Promise<void>;
}

/** A wildcard bind address is not something a client can connect to; name loopback instead. */
function urlHost(host: string): string {
  if (host === '0.0.0.0') return '127.0.0.1';
  if (host === '::') return '[::1]';
  return host.includes(':') ? `[${host}]` : host;
}

export async function startSandbox(options: StartSandboxOptions = {}): Promise<RunningSandbox> {
  const { host = '127.0.0.1', port = 4010, ...appOptions } = options;
  const app = buildSandboxApp(appOptions);
  await app.listen({ host, port });
  const address = app.server.address() as AddressInfo;
  let closing: Promise<void> | undefined;
  return {
    url: `http://${urlHost(host)}:${address.port}`,
    app,
    // A simulator holds no state worth draining: open connections (a client's keep-alive pool, a simulated hang)
    // are closed at once rather than waited for.
    close: () =>
      (closing ??= (async () => {
        const closed = app.close();
        app.server.closeAllConnections();
        await closed;
      })()),
  };
}
