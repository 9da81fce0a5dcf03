// The operator CLI: `npm run ops -- <command>` (`npm run ops -- --help` lists the commands). The commands live in
// scripts/ops/, one module each; docs/operations.md describes them with the runbooks that use them.
import { runCli } from './ops/cli.js';
import { processOutput } from './ops/lib/core.js';

// `ops … | head` closes stdout early: that is not an error worth a stack trace.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0);
  throw error;
});

const code = await runCli(process.argv.slice(2), { env: process.env, output: processOutput });
process.exitCode = code;
// Everything is closed by now; should a handle linger, do not let it keep an operator's shell waiting.
setTimeout(() => process.exit(code), 2000).unref();
