import type { RedisClient } from './redis.js';

/**
 * A Lua script run by its SHA (EVALSHA, falling back to EVAL once after a Redis restart empties the script cache),
 * through ioredis' `defineCommand`, as BullMQ runs its own. A plain EVAL sent the script's text and made Redis hash
 * it on every call: the fabric call budget alone does that twice per job.
 */
export type RedisScript<Result> = (keys: readonly string[], args: readonly (string | number)[]) => Promise<Result>;

type DefinedCommand = (...keysAndArgs: (string | number)[]) => Promise<unknown>;

export function defineScript<Result>(redis: RedisClient, name: string, numberOfKeys: number, lua: string): RedisScript<Result> {
  // Defining the same command again on a shared connection replaces it with an identical one: harmless.
  redis.defineCommand(name, { numberOfKeys, lua });
  const command = (redis as unknown as Record<string, DefinedCommand>)[name];
  if (typeof command !== 'function') throw new Error(`redis command ${name} was not defined`);
  return async (keys, args) => {
    if (keys.length !== numberOfKeys) throw new Error(`redis script ${name} takes ${numberOfKeys} keys, got ${keys.length}`);
    return (await command.call(redis, ...keys, ...args)) as Result;
  };
}
