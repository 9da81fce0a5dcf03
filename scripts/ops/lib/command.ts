import type { ParseArgsConfig } from 'node:util';
import { QUEUE_NAMES, type QueueName } from '../../../shared/jobs/contract.js';
import { UsageError, type ExitCode, type OpsDeps, type Output } from './core.js';

export type OptionSpecs = NonNullable<ParseArgsConfig['options']>;

/** What node:util parseArgs produced for one command (no option is `multiple`). */
export interface ParsedInput {
  readonly values: Readonly<Record<string, string | boolean | undefined>>;
  readonly positionals: readonly string[];
}

export interface RunContext {
  readonly deps: OpsDeps;
  readonly out: Output;
  /** --json: one JSON document on stdout instead of tables. */
  readonly json: boolean;
}

/** A parsed, valid invocation, ready to run once Redis is connected. */
export type Runner = (context: RunContext) => Promise<ExitCode>;

export interface Command {
  /** 'queues', or group and subcommand: 'failed list'. */
  readonly name: string;
  readonly summary: string;
  /** The synopsis after `npm run ops --`, e.g. `failed list [--queue q] [--order refnum] [--limit n]`. */
  readonly usage: string;
  /** Help text after the synopsis: what it does, the options, an example. */
  readonly help: string;
  readonly options: OptionSpecs;
  /** Validates the input (throws UsageError) and returns what runs it; nothing touches Redis before `run`. */
  prepare(input: ParsedInput): Runner;
}

export function stringOption(input: ParsedInput, name: string): string | undefined {
  const value = input.values[name];
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || value.trim() === '') throw new UsageError(`--${name} needs a value`);
  return value.trim();
}

export function queueOption(input: ParsedInput): QueueName | undefined {
  const value = stringOption(input, 'queue');
  if (value === undefined) return undefined;
  if (!(QUEUE_NAMES as readonly string[]).includes(value)) {
    throw new UsageError(`--queue: unknown queue "${value}" (known: ${QUEUE_NAMES.join(', ')})`);
  }
  return value as QueueName;
}

export function limitOption(input: ParsedInput, fallback: number, max = 10_000): number {
  const value = stringOption(input, 'limit');
  if (value === undefined) return fallback;
  if (!/^\d+$/.test(value) || Number(value) < 1 || Number(value) > max) {
    throw new UsageError(`--limit must be a whole number from 1 to ${max}, not "${value}"`);
  }
  return Number(value);
}

export function noPositionals(input: ParsedInput): void {
  if (input.positionals.length > 0) throw new UsageError(`unexpected argument "${input.positionals[0]}"`);
}

export function atMostOnePositional(input: ParsedInput, what: string): string | undefined {
  if (input.positionals.length > 1) throw new UsageError(`one ${what} at a time (got ${input.positionals.length})`);
  const [value] = input.positionals;
  return value === undefined || value.trim() === '' ? undefined : value.trim();
}

export const QUEUE_OPTION_HELP = `--queue q     only this queue (${QUEUE_NAMES.join(', ')}); default: all four`;
