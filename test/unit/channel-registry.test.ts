import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { authenticate, type PresentedCredentials } from '../../ingress/auth.js';
import { ChannelRegistry, diffChannels, type ChannelChange } from '../../shared/channel-registry.js';
import { logReload } from '../../shared/channel-reload.js';
import { BindingNotConfiguredError, bindingsForToken } from '../../shared/channels.js';
import { ConfigError, loadChannelsFile, loadConfig, type Config } from '../../shared/config.js';
import { FabricClients } from '../../shared/fabric/clients.js';
import { closeRedis, connectAtStartup, createRedis } from '../../shared/redis.js';
import { fabricSettingsFor } from './helpers.js';

/**
 * The live channel set: what a reload of CHANNELS_FILE changes (by key, never by token), the overlap window of a
 * rotated-out token (checked at request time), and a file that is refused leaving everything as it was.
 */
const dir = mkdtempSync(join(tmpdir(), 'rob-registry-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const fabric = fabricSettingsFor;

const TOKEN_21 = 'token-of-21-0123456789';
const TOKEN_21_NEW = 'token-of-21-rotated-0123456789';
const TOKEN_22 = 'token-of-22-0123456789';
const TOKEN_23 = 'token-of-23-0123456789';

const entry21 = { clientId: '497', channelId: '21', tokens: [TOKEN_21], fabric: fabric('t21') };
const entry22 = { clientId: '497', channelId: '22', tokens: [TOKEN_22], fabric: fabric('t22') };
const entry23 = { clientId: '497', channelId: '23', tokens: [TOKEN_23], fabric: fabric('t23') };

let fileCount = 0;
/** A CHANNELS_FILE path; `write` replaces its content (an object is JSON-encoded, a string written as is). */
function channelsFile(content: unknown): { path: string; write(next: unknown): void } {
  const path = join(dir, `channels-${(fileCount += 1)}.json`);
  const write = (next: unknown) => writeFileSync(path, typeof next === 'string' ? next : JSON.stringify(next));
  write(content);
  return { path, write };
}

function registryOn(content: unknown, env: Record<string, string> = {}): { registry: ChannelRegistry; config: Config; write(next: unknown): void } {
  const file = channelsFile(content);
  const config = loadConfig({ ...env, CHANNELS_FILE: file.path });
  return { registry: ChannelRegistry.fromConfig(config), config, write: file.write };
}

const credentials = (token: string, channelId: string): PresentedCredentials => ({ token, clientId: '497', channelId });

function reloaded(registry: ChannelRegistry): ChannelChange {
  const result = registry.reload();
  if (result.status !== 'reloaded') throw new Error(`expected a reload, got ${JSON.stringify(result)}`);
  expect(result.listenerErrors).toEqual([]);
  return result.change;
}

describe('ChannelRegistry.reload', () => {
  it('adds, removes and rotates: the new set applies to the next authentication', () => {
    const { registry, write } = registryOn({ channels: [entry21, entry22] });
    expect(authenticate(registry, credentials(TOKEN_22, '22')).binding.key).toBe('497/22');

    write({ channels: [{ ...entry21, tokens: [TOKEN_21_NEW] }, entry23] });
    expect(reloaded(registry)).toEqual({ added: ['497/23'], removed: ['497/22'], tokensRotated: ['497/21'], updated: [], bindings: 2 });

    expect(authenticate(registry, credentials(TOKEN_23, '23')).binding.key).toBe('497/23');
    expect(authenticate(registry, credentials(TOKEN_21_NEW, '21')).binding.key).toBe('497/21');
    expect(() => authenticate(registry, credentials(TOKEN_22, '22'))).toThrow('invalid credentials');
    // Dropped without a previousTokens entry: refused at once (the way to revoke a leaked token).
    expect(() => authenticate(registry, credentials(TOKEN_21, '21'))).toThrow('invalid credentials');
  });

  it('keeps the object of a binding that did not change, and replaces one whose settings did', () => {
    const { registry, write } = registryOn({ channels: [entry21, entry22] });
    const [before21, before22] = registry.channels;
    write({ channels: [entry21, { ...entry22, fabric: { ...fabric('t22'), clientSecret: 'rotated-secret' } }] });
    expect(reloaded(registry)).toMatchObject({ added: [], removed: [], tokensRotated: [], updated: ['497/22'] });
    expect(registry.channels[0]).toBe(before21);
    expect(registry.channels[1]).not.toBe(before22);
    expect(registry.channels[1]?.fabric.clientSecret).toBe('rotated-secret');
  });

  it('keeps an inventory mapping through a reload, and reports a changed one', () => {
    const inventory = { targets: [{ locationNumber: 101 }] };
    const { registry, write } = registryOn({ channels: [{ ...entry21, inventory }] });
    write({ channels: [{ ...entry21, inventory }] });
    expect(reloaded(registry).updated).toEqual([]);
    expect(registry.channels[0]?.inventory?.targets[0]).toMatchObject({ locationNumber: 101, counter: 'onHand' });
    write({ channels: [{ ...entry21, inventory: { targets: [{ locationNumber: 102 }] } }] });
    expect(reloaded(registry).updated).toEqual(['497/21']);
    expect(registry.channels[0]?.inventory?.targets[0]).toMatchObject({ locationNumber: 102 });
  });

  it('refuses an invalid file with its issues, quoting no token, and keeps the bindings in force', () => {
    const { registry, write } = registryOn({ channels: [entry21] });
    const inForce = registry.channels;
    let heard = 0;
    registry.onChange(() => (heard += 1));
    const secretish = 'leaked-secret-value-0123456789';
    const refusals = [
      // JSON.parse's own message would quote the text around the fault, this token with it.
      `{"channels": [{"tokens": ["${secretish}", oops]}]}`,
      { channels: [{ ...entry21, tokens: ['short'] }] },
      { channels: [entry21, { ...entry21, tokens: [secretish] }] },
      { channels: [{ ...entry21, previousTokens: [{ token: secretish, validUntil: 'tomorrow' }] }] },
      { channels: [] },
    ];
    const errors = refusals.map((content) => {
      write(content);
      const result = registry.reload();
      if (result.status !== 'refused') throw new Error(`expected a refusal of ${JSON.stringify(content)}`);
      return result.error;
    });
    expect(errors[0]).toMatch(/cannot be read as JSON: not valid JSON$/);
    expect(errors[1]).toMatch(/channels\.0\.tokens\.0: tokens must be at least 16 characters/);
    expect(errors[2]).toMatch(/client 497 channel 21 is listed twice/);
    expect(errors[3]).toMatch(/channels\.0\.previousTokens\.0\.validUntil: must be an ISO date-time/);
    expect(errors[4]).toMatch(/- channels:/);
    for (const error of errors) expect(error).not.toContain(secretish);
    expect(registry.channels).toBe(inForce);
    expect(heard).toBe(0);
    expect(authenticate(registry, credentials(TOKEN_21, '21')).binding.key).toBe('497/21');
  });

  it('refuses a file that is gone, and one that cannot be read', () => {
    const { registry, config } = registryOn({ channels: [entry21] });
    rmSync(config.channelsFile ?? '');
    expect(registry.reload()).toMatchObject({ status: 'refused', error: expect.stringMatching(/cannot be read as JSON: ENOENT/) });
    expect(registry.channels).toBe(config.channels);
  });

  it('has nothing to reload in single-channel mode', () => {
    const config = loadConfig({ RETAILOPS_AUTH_TOKENS: TOKEN_21 });
    const registry = ChannelRegistry.fromConfig(config);
    expect(registry.reloadable).toBe(false);
    expect(registry.reload()).toEqual({ status: 'nothing-to-reload' });
    expect(registry.channels).toBe(config.channels);
  });

  it('tells listeners after each successful reload, changed or not, and reports a listener that throws', () => {
    const { registry, write } = registryOn({ channels: [entry21] });
    const heard: ChannelChange[] = [];
    const stop = registry.onChange((change) => heard.push(change));
    registry.onChange(() => {
      throw new Error('listener fault');
    });
    const first = registry.reload();
    expect(first).toMatchObject({ status: 'reloaded', listenerErrors: [expect.objectContaining({ message: 'listener fault' })] });
    write({ channels: [entry21, entry22] });
    registry.reload();
    stop();
    registry.reload();
    expect(heard.map((change) => change.added)).toEqual([[], ['497/22']]);
  });
});

describe('previousTokens: the overlap window of a rotated token', () => {
  const validUntil = '2030-01-01T12:00:00Z';
  const end = Date.parse(validUntil);

  it('accepts the previous token until validUntil, and refuses it from then on', () => {
    const { registry, write } = registryOn({ channels: [entry21] });
    write({ channels: [{ ...entry21, tokens: [TOKEN_21_NEW], previousTokens: [{ token: TOKEN_21, validUntil }] }] });
    expect(reloaded(registry)).toMatchObject({ tokensRotated: ['497/21'] });
    expect(authenticate(registry, credentials(TOKEN_21, '21'), end - 1).binding.key).toBe('497/21');
    expect(authenticate(registry, credentials(TOKEN_21_NEW, '21'), end - 1).binding.key).toBe('497/21');
    expect(() => authenticate(registry, credentials(TOKEN_21, '21'), end)).toThrow('invalid credentials');
    expect(authenticate(registry, credentials(TOKEN_21_NEW, '21'), end + 1).binding.key).toBe('497/21');
  });

  it('is the file format at start too: an offset other than Z, and the existing format without it', () => {
    const bindings = loadChannelsFile(
      channelsFile({ channels: [{ ...entry21, previousTokens: [{ token: TOKEN_22, validUntil: '2030-01-01T14:00:00+02:00' }] }, entry23] }).path,
    );
    expect(bindings[0]?.previousTokens).toEqual([{ token: TOKEN_22, validUntilMs: end }]);
    expect(bindings[1]?.previousTokens).toEqual([]);
    expect(bindingsForToken({ channels: bindings }, TOKEN_22, end - 1).map((binding) => binding.key)).toEqual(['497/21']);
    expect(bindingsForToken({ channels: bindings }, TOKEN_22, end)).toEqual([]);
  });

  it('does not let a previous token reach another binding', () => {
    const { registry, write } = registryOn({ channels: [entry21, entry22] });
    write({ channels: [{ ...entry21, tokens: [TOKEN_21_NEW], previousTokens: [{ token: TOKEN_21, validUntil }] }, entry22] });
    registry.reload();
    expect(() => authenticate(registry, credentials(TOKEN_21, '22'), end - 1)).toThrow('credentials are not valid for channel 22');
  });
});

describe('diffChannels', () => {
  it('counts a reordering of tokens as no rotation', () => {
    const [before] = loadChannelsFile(channelsFile({ channels: [{ ...entry21, tokens: [TOKEN_21, TOKEN_22] }] }).path);
    const [after] = loadChannelsFile(channelsFile({ channels: [{ ...entry21, tokens: [TOKEN_22, TOKEN_21] }] }).path);
    if (!before || !after) throw new Error('no binding');
    expect(diffChannels([before], [after])).toEqual({ added: [], removed: [], tokensRotated: [], updated: [], bindings: 1 });
  });
});

describe('logReload', () => {
  function logged(run: (logger: pino.Logger) => void): Record<string, unknown>[] {
    const lines: string[] = [];
    run(pino({ level: 'info' }, { write: (line: string) => void lines.push(line) }));
    return lines.map((line) => JSON.parse(line) as Record<string, unknown>);
  }

  it('says what a reload changed, by key and count, never a token', () => {
    const { registry, write } = registryOn({ channels: [entry21, entry22] });
    write({ channels: [{ ...entry21, tokens: [TOKEN_21_NEW], previousTokens: [{ token: TOKEN_21, validUntil: '2030-01-01T00:00:00Z' }] }, entry23] });
    const [line] = logged((logger) => logReload(logger, registry.reload()));
    expect(line).toMatchObject({ msg: 'channels reloaded', added: 1, removed: 1, tokensRotated: 1, bindings: 2, addedBindings: ['497/23'], removedBindings: ['497/22'] });
    expect(JSON.stringify(line)).not.toMatch(/token-of/);
  });

  it('lists the issues of a refused file, one an entry', () => {
    const { registry, write } = registryOn({ channels: [entry21] });
    write({ channels: [{ ...entry21, tokens: ['short-secret'] }] });
    const [line] = logged((logger) => logReload(logger, registry.reload()));
    expect(line).toMatchObject({ msg: 'channels reload refused', level: 50 });
    expect(line?.['errors']).toEqual([expect.stringMatching(/^Invalid CHANNELS_FILE /), 'channels.0.tokens.0: tokens must be at least 16 characters']);
    expect(JSON.stringify(line)).not.toContain('short-secret');
  });

  it('says there is nothing to reload without CHANNELS_FILE', () => {
    const registry = ChannelRegistry.fromConfig(loadConfig({ RETAILOPS_AUTH_TOKENS: TOKEN_21 }));
    const [line] = logged((logger) => logReload(logger, registry.reload()));
    expect(line?.['msg']).toMatch(/^channels not reloaded: there is no CHANNELS_FILE/);
  });
});

describe('FabricClients on a live registry', () => {
  it('keeps a binding’s client while it is unchanged, makes a new one when it changes, and refuses a removed one', async () => {
    const { registry, config, write } = registryOn({ channels: [entry21, entry22] }, { QUEUE_PREFIX: `{r${randomBytes(4).toString('hex')}}` });
    // No fabric call is made: the clients are only looked up.
    const redis = createRedis(inject('redisUrl'), 'producer', pino({ level: 'silent' }), 'registry-test');
    await connectAtStartup(redis, inject('redisUrl'));
    const clients = new FabricClients(config, pino({ level: 'silent' }), redis, undefined, registry);
    try {
      const first21 = clients.for('497/21');
      const first22 = clients.for('497/22');
      write({ channels: [entry21, { ...entry22, fabric: { ...fabric('t22'), clientSecret: 'rotated-secret' } }, entry23] });
      reloaded(registry);
      expect(clients.for('497/21')).toBe(first21);
      expect(clients.for('497/22')).not.toBe(first22);
      expect(clients.for('497/23')).toBeDefined();
      write({ channels: [entry21] });
      reloaded(registry);
      expect(() => clients.for('497/22')).toThrow(BindingNotConfiguredError);
      expect(() => clients.for('497/22')).toThrow(/no channel binding "497\/22" is configured \(removed from CHANNELS_FILE/);
    } finally {
      await clients.close();
      await closeRedis(redis);
    }
  });
});

it('names where JSON.parse stopped, when it says, rather than quote the text there', () => {
  const path = channelsFile(`{"channels": [\n  {"tokens": ["${TOKEN_21}"]`).path;
  expect(() => loadChannelsFile(path)).toThrow(ConfigError);
  expect(() => loadChannelsFile(path)).toThrow(/cannot be read as JSON: not valid JSON \(at line 2 column \d+\)$/);
});
