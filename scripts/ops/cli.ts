import { parseArgs } from 'node:util';
import { ConfigError, loadConfig, type Config } from '../../shared/config.js';
import { archiveEraseCommand } from './archive-erase.js';
import { auditCommand } from './audit.js';
import { eventsClearCommand } from './events-clear.js';
import { eventsListCommand } from './events-list.js';
import { failedDiscardCommand } from './failed-discard.js';
import { failedListCommand } from './failed-list.js';
import { failedRetryCommand } from './failed-retry.js';
import { inboxListCommand } from './inbox-list.js';
import { orderCommand } from './order.js';
import { queuesCommand } from './queues.js';
import { replayCommand } from './replay.js';
import { syncSkippedCommand } from './sync-skipped.js';
import type { Command, ParsedInput, Runner } from './lib/command.js';
import { EXIT, OpsError, UsageError, type ExitCode, type OpsDeps, type Output } from './lib/core.js';
import { openDeps, type OpenDeps } from './lib/deps.js';
import { defaultTargetNote, hasBridgeData, noDataWarning, redisTarget, type RedisTarget } from './lib/target.js';

export const COMMANDS: readonly Command[] = [
  queuesCommand,
  failedListCommand,
  failedRetryCommand,
  failedDiscardCommand,
  eventsListCommand,
  eventsClearCommand,
  inboxListCommand,
  syncSkippedCommand,
  orderCommand,
  replayCommand,
  archiveEraseCommand,
  auditCommand,
];

const GROUPS = [...new Set(COMMANDS.map((command) => command.name.split(' ')[0] as string))];
const PROGRAM = 'npm run ops --';

export function globalHelp(): string {
  const width = Math.max(...COMMANDS.map((command) => command.name.length));
  return `Usage: ${PROGRAM} <command> [options]

Operator commands for retailops-bridge: look at the queues, failed jobs, pending failure events, the order
inbox and the orders the order sync skipped in Redis, one order's history, retry or discard failed jobs, and
replay an outage's webhooks (every change is recorded in an audit stream: audit; --actor names who does it). They read REDIS_URL, QUEUE_PREFIX (default {rob}) and
REDIS_CLUSTER from the environment, as the ingress and the workers do: run them with the services' environment.
Without REDIS_URL they use the Redis "npm start" runs, redis://127.0.0.1:$REDIS_PORT (6380). A Redis with no
bridge data under the prefix gets a warning on stderr: its zeros would mean nothing.

Commands:
${COMMANDS.map((command) => `  ${command.name.padEnd(width)}  ${command.summary}`).join('\n')}

Options for every command:
  --json       one JSON document on stdout instead of tables (use "npm run -s" so npm adds no banner)
  -h, --help   help; "${PROGRAM} <command> --help" for one command

Exit codes: 0 ok, 1 failure (Redis unreachable, no such job, job not failed, …), 2 usage or configuration error.`;
}

function commandHelp(command: Command): string {
  return `Usage: ${PROGRAM} ${command.usage}\n\n${command.help}`;
}

function groupHelp(group: string): string {
  const members = COMMANDS.filter((command) => command.name.startsWith(`${group} `));
  return `Usage: ${PROGRAM} ${group} <${members.map((command) => command.name.slice(group.length + 1)).join('|')}> [options]

${members.map((command) => `  ${command.usage}\n      ${command.summary}`).join('\n')}

"${PROGRAM} ${group} <subcommand> --help" for details.`;
}

const isHelp = (arg: string | undefined): boolean => arg === '--help' || arg === '-h' || arg === 'help';

/** Which command argv names, and the arguments after its name. */
function resolve(argv: readonly string[]): { command: Command; rest: string[] } | { help: string } {
  const [first, second, ...others] = argv;
  if (first === undefined) throw new UsageError('no command given');
  if (isHelp(first)) return { help: globalHelp() };
  const single = COMMANDS.find((command) => command.name === first);
  if (single) return { command: single, rest: argv.slice(1) };
  if (!GROUPS.includes(first)) throw new UsageError(`unknown command "${first}"`);
  if (second === undefined) throw new UsageError(`"${first}" needs a subcommand`, { cause: groupHelp(first) });
  if (isHelp(second)) return { help: groupHelp(first) };
  const sub = COMMANDS.find((command) => command.name === `${first} ${second}`);
  if (!sub) throw new UsageError(`unknown command "${first} ${second}"`, { cause: groupHelp(first) });
  return { command: sub, rest: others };
}

function parse(command: Command, args: readonly string[]): ParsedInput & { json: boolean; help: boolean } {
  try {
    const { values, positionals } = parseArgs({
      args: [...args],
      options: { ...command.options, json: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } },
      allowPositionals: true,
      strict: true,
    });
    const flat = values as Record<string, string | boolean | undefined>;
    return { values: flat, positionals, json: flat['json'] === true, help: flat['help'] === true };
  } catch (error) {
    // node:util's ERR_PARSE_ARGS_* messages name the option ("Unknown option '--foo'").
    throw new UsageError(error instanceof Error ? error.message : String(error));
  }
}

export interface CliEnvironment {
  /** The environment for loadConfig: REDIS_URL, QUEUE_PREFIX, … */
  readonly env: NodeJS.ProcessEnv;
  readonly output: Output;
  /**
   * Runs the command on these instead of connecting to REDIS_URL (tests, embedding). Without it the CLI opens
   * its own connection from the configuration and closes it when done.
   */
  readonly deps?: OpsDeps;
}

function configFrom(env: NodeJS.ProcessEnv): { config: Config; target: RedisTarget } {
  let config: Config;
  try {
    config = loadConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) throw new UsageError(error.message);
    throw error;
  }
  return { config, target: redisTarget(config) };
}

/** Runs one CLI invocation; returns the exit code. Never throws. */
export async function runCli(argv: readonly string[], environment: CliEnvironment): Promise<ExitCode> {
  const { output } = environment;
  let json = argv.includes('--json');
  let runner: Runner;
  let command: Command | undefined;
  try {
    const resolved = resolve(argv);
    if ('help' in resolved) {
      output.out(resolved.help);
      return EXIT.ok;
    }
    command = resolved.command;
    const input = parse(command, resolved.rest);
    json = input.json;
    if (input.help) {
      output.out(commandHelp(command));
      return EXIT.ok;
    }
    runner = command.prepare(input);
  } catch (error) {
    return usageFailure(error, output, command);
  }

  let opened: OpenDeps | undefined;
  try {
    let deps = environment.deps;
    let target: RedisTarget | null = null;
    let config: Config | null = null;
    if (!deps) {
      ({ config, target } = configFrom(environment.env));
      if (!target.fromEnv) output.err(defaultTargetNote(target, config.queuePrefix));
      opened = await openDeps(config, target.url, target.fromEnv ? undefined : 'REDIS_URL is unset and npm start does not seem to run: set REDIS_URL to the services\' Redis');
      deps = opened;
    }
    if (!(await hasBridgeData(deps))) output.err(noDataWarning(target, deps.prefix, config));
    return await runner({ deps, out: output, json });
  } catch (error) {
    if (error instanceof UsageError) {
      // The configuration is invalid: the message says what to set; the usage would not help.
      output.err(`error: ${error.message}`);
      return EXIT.usage;
    }
    const message = error instanceof Error ? error.message : String(error);
    output.err(`error: ${message}`);
    if (json) output.out(JSON.stringify({ error: message, ...(error instanceof OpsError ? error.details : {}) }, null, 2));
    return EXIT.failure;
  } finally {
    await opened?.close();
  }
}

function usageFailure(error: unknown, output: Output, command: Command | undefined): ExitCode {
  if (!(error instanceof UsageError)) {
    output.err(`error: ${error instanceof Error ? error.message : String(error)}`);
    return EXIT.failure;
  }
  output.err(`error: ${error.message}`);
  if (typeof error.cause === 'string') output.err(`\n${error.cause}`);
  else if (command) output.err(`\nUsage: ${PROGRAM} ${command.usage}\n("${PROGRAM} ${command.name} --help" for details)`);
  else output.err(`\n${globalHelp()}`);
  return EXIT.usage;
}
