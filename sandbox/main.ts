// Runs the sandbox as a process: config from the environment, pino JSON logs on stdout, clean
// exit 0 on SIGINT/SIGTERM. Usage: npm run sandbox (tsx sandbox/main.ts).
import { loadSandboxConfig, SandboxConfigError } from './config.js';
import { startSandbox } from './server.js';

async function main(): Promise<void> {
  const config = loadSandboxConfig(process.env);
  const sandbox = await startSandbox({
    host: config.host,
    port: config.port,
    clients: config.clients,
    faults: config.faults,
    logger: { level: config.logLevel },
  });
  sandbox.app.log.info({ url: sandbox.url, faults: config.faults }, `fabric sandbox listening on ${sandbox.url}`);

  const shutdown = (signal: NodeJS.Signals): void => {
    sandbox.app.log.info({ signal }, 'fabric sandbox shutting down');
    sandbox.close().then(
      () => process.exit(0),
      (error: unknown) => {
        sandbox.app.log.error({ err: error }, 'fabric sandbox failed to close');
        process.exit(1);
      },
    );
  };
  process.once('SIGINT', shutdown);
  process.once('SIGTERM', shutdown);
}

main().catch((error: unknown) => {
  // Config errors are for humans: print the list, not a stack.
  console.error(error instanceof SandboxConfigError ? error.message : error);
  process.exit(1);
});
