import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig, SANDBOX_TEST_TOKEN, SEED_EXAMPLE_TICKET, withOverrides } from '../../shared/config.js';
import { QUEUE_NAMES } from '../../shared/jobs/contract.js';
import { fabricSettingsFor } from './helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'rob-config-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

let fileCount = 0;
/** Writes a CHANNELS_FILE (an object is JSON-encoded; a string is written as is) and returns its path. */
function channelsFile(content: unknown): string {
  const path = join(dir, `channels-${(fileCount += 1)}.json`);
  writeFileSync(path, typeof content === 'string' ? content : JSON.stringify(content));
  return path;
}

const fabric = fabricSettingsFor;

const realFabricEnv = {
  FABRIC_BASE_URL: 'https://api.fabric.inc/v3',
  FABRIC_AUTH_URL: 'https://acme.login.fabric.inc/oauth2/default/v1/token',
  FABRIC_CLIENT_ID: 'id',
  FABRIC_CLIENT_SECRET: 'secret',
  FABRIC_TENANT_ID: 'tenant',
};

/** The ConfigError loadConfig throws for `env` (fails the test if it throws something else or nothing). */
function configError(env: NodeJS.ProcessEnv): ConfigError {
  try {
    loadConfig(env);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return error as ConfigError;
  }
  throw new Error('expected loadConfig to throw');
}

describe('shared/config', () => {
  describe('defaults', () => {
    it('runs against the sandbox with the SDK test key and the seed ticket when nothing is configured', () => {
      const config = loadConfig({});
      expect(config.useSandbox).toBe(true);
      expect(config.multiChannel).toBe(false);
      expect(config.channels).toHaveLength(1);
      const [binding] = config.channels;
      expect(binding?.key).toBe('default');
      expect(binding?.clientId).toBeNull();
      expect(binding?.channelId).toBeNull();
      expect(binding?.tokens).toContain('RETAILOPS_SDK');
      expect(binding?.tokens).toEqual([SANDBOX_TEST_TOKEN, SEED_EXAMPLE_TICKET]);
      expect(binding?.fabric).toMatchObject({ baseUrl: 'http://127.0.0.1:4010/v3', tenantId: 'sandbox-tenant', channelId: '12' });
    });

    it('has the documented defaults', () => {
      const config = loadConfig({});
      expect(config).toMatchObject({
        env: 'development',
        logLevel: 'info',
        host: '127.0.0.1',
        port: 8080,
        redisUrl: null,
        queuePrefix: '{rob}',
        fabricTimeoutMs: 10_000,
        bodyLimitBytes: 1024 * 1024,
        dedupWindowSeconds: 86_400,
        events: { maxPending: 1000, perResponse: 100 },
        orderSync: { since: '1970-01-01T00:00:00.000Z', lookbackDays: 30 },
        worker: { queues: [...QUEUE_NAMES], concurrency: 10 },
        jobs: { attempts: 8, backoffMs: 1000, backoffMaxMs: 300_000 },
      });
    });

    it('coerces numbers from strings and rejects bad ones', () => {
      expect(loadConfig({ PORT: '9000', JOB_ATTEMPTS: '3' })).toMatchObject({ port: 9000, jobs: { attempts: 3 } });
      expect(configError({ PORT: 'abc' }).message).toMatch(/PORT/);
      expect(configError({ JOB_ATTEMPTS: '0' }).message).toMatch(/JOB_ATTEMPTS/);
    });
  });

  describe('RETAILOPS_AUTH_TOKENS', () => {
    it('reads a comma list, trimming and dropping blanks', () => {
      expect(loadConfig({ RETAILOPS_AUTH_TOKENS: ' alpha-0123456789 , beta-01234567890,,gamma-0123456789 ' }).channels[0]?.tokens).toEqual([
        'alpha-0123456789',
        'beta-01234567890',
        'gamma-0123456789',
      ]);
    });

    it('reads a JSON array for tokens that contain commas', () => {
      const tokens = [SEED_EXAMPLE_TICKET, 'plain-0123456789'];
      expect(loadConfig({ RETAILOPS_AUTH_TOKENS: JSON.stringify(tokens) }).channels[0]?.tokens).toEqual(tokens);
      expect(loadConfig({ RETAILOPS_AUTH_TOKENS: ' ["a,b-0123456789abc"] ' }).channels[0]?.tokens).toEqual(['a,b-0123456789abc']);
    });

    it('rejects a JSON array that is not of strings', () => {
      expect(configError({ RETAILOPS_AUTH_TOKENS: '[1,2]' }).message).toMatch(/RETAILOPS_AUTH_TOKENS: must be a comma list or a JSON array of strings/);
    });

    // JSON.parse's message quotes its input: the token text must not reach the error.
    it('rejects a malformed JSON array with a ConfigError that does not echo the tokens', () => {
      const error = configError({ RETAILOPS_AUTH_TOKENS: '["s3cret-token-value", oops' });
      expect(error.message).toMatch(/RETAILOPS_AUTH_TOKENS/);
      expect(error.message).not.toContain('s3cret');
    });

    // Issue 9: a ticket pasted as a comma list made "1", "0" and the like valid tokens on their own.
    it('refuses a ticket pasted as a comma list, pointing at the JSON-array form, without echoing it', () => {
      const error = configError({ RETAILOPS_AUTH_TOKENS: '1,1,0,1456437061,abcdef-secret-part' });
      expect(error.message).toMatch(/RETAILOPS_AUTH_TOKENS: looks like a RetailOPS ticket/);
      expect(error.message).toContain(`RETAILOPS_AUTH_TOKENS='["1,1,0,…"]'`);
      expect(error.message).not.toContain('1456437061');
      expect(error.message).not.toContain('abcdef-secret-part');
      expect(configError({ ...realFabricEnv, RETAILOPS_AUTH_TOKENS: SEED_EXAMPLE_TICKET }).message).toMatch(/looks like a RetailOPS ticket/);
    });

    it('refuses tokens shorter than 16 characters, naming which one and never its text', () => {
      const error = configError({ ...realFabricEnv, RETAILOPS_AUTH_TOKENS: 'long-enough-token-1,short' });
      expect(error.message).toMatch(/RETAILOPS_AUTH_TOKENS: token 2 is shorter than 16 characters/);
      expect(error.message).not.toContain('short,');
      expect(configError({ RETAILOPS_AUTH_TOKENS: '["abcdef"]' }).message).toMatch(/token 1 is shorter than 16/);
    });

    it('accepts the SDK test key only while the sandbox is the fabric', () => {
      expect(loadConfig({ RETAILOPS_AUTH_TOKENS: 'RETAILOPS_SDK' }).channels[0]?.tokens).toEqual(['RETAILOPS_SDK']);
      expect(configError({ ...realFabricEnv, RETAILOPS_AUTH_TOKENS: 'RETAILOPS_SDK' }).message).toMatch(
        /token 1 is shorter than 16 characters \(the SDK test key RETAILOPS_SDK is accepted only while the sandbox is the fabric\)/,
      );
    });

    it('is required with a real fabric', () => {
      expect(configError(realFabricEnv).message).toMatch(/RETAILOPS_AUTH_TOKENS is required/);
      const config = loadConfig({ ...realFabricEnv, RETAILOPS_AUTH_TOKENS: 'abcdefgh-12345678', RETAILOPS_CLIENT_ID: '497' });
      expect(config.useSandbox).toBe(false);
      expect(config.orderSync.since).toBeNull();
      expect(config.channels[0]).toMatchObject({ key: 'default', clientId: '497', channelId: null, tokens: ['abcdefgh-12345678'] });
      expect(config.channels[0]?.fabric).toEqual({
        baseUrl: 'https://api.fabric.inc/v3',
        authUrl: 'https://acme.login.fabric.inc/oauth2/default/v1/token',
        clientId: 'id',
        clientSecret: 'secret',
        tenantId: 'tenant',
        channelId: '12',
      });
    });
  });

  describe('RETAILOPS_CLIENT_ID and RETAILOPS_CHANNEL_ID', () => {
    it('pin the single channel to one client and one channel, digits only', () => {
      const binding = loadConfig({ RETAILOPS_CLIENT_ID: '497', RETAILOPS_CHANNEL_ID: ' 21 ' }).channels[0];
      expect(binding).toMatchObject({ clientId: '497', channelId: '21' });
      expect(loadConfig({}).channels[0]).toMatchObject({ clientId: null, channelId: null });
      expect(configError({ RETAILOPS_CHANNEL_ID: 'twenty-one' }).message).toContain('- RETAILOPS_CHANNEL_ID: must be a RetailOPS id');
      expect(configError({ RETAILOPS_CLIENT_ID: '-1' }).message).toContain('- RETAILOPS_CLIENT_ID: must be a RetailOPS id');
    });
  });

  describe('FABRIC_*', () => {
    it('FABRIC_BASE_URL without the other settings names each missing field', () => {
      const error = configError({ FABRIC_BASE_URL: 'https://api.fabric.inc/v3', RETAILOPS_AUTH_TOKENS: 'abcdefgh-12345678' });
      expect(error.message).toMatch(/^Invalid fabric settings:/);
      for (const name of ['FABRIC_AUTH_URL', 'FABRIC_CLIENT_ID', 'FABRIC_CLIENT_SECRET', 'FABRIC_TENANT_ID']) expect(error.message).toContain(`- ${name}:`);
      expect(error.message).not.toContain('FABRIC_BASE_URL:');
    });

    it('rejects a FABRIC_BASE_URL that is not a URL', () => {
      expect(configError({ FABRIC_BASE_URL: 'not a url' }).message).toMatch(/FABRIC_BASE_URL/);
    });
  });

  describe('WORKER_QUEUES', () => {
    it('selects queues', () => {
      expect(loadConfig({ WORKER_QUEUES: 'order, return' }).worker.queues).toEqual(['order', 'return']);
    });

    it('rejects an unknown queue name', () => {
      expect(configError({ WORKER_QUEUES: 'order,orders' }).message).toBe('WORKER_QUEUES: unknown queue "orders" (known: order, cancel, update, return, inventory)');
    });
  });

  describe('OTEL_EXPORTER_OTLP_ENDPOINT and OTEL_SERVICE_NAME', () => {
    it('tracing is off unless the endpoint is set; the service name defaults to the process (null here)', () => {
      expect(loadConfig({}).tracing).toBeNull();
      expect(loadConfig({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318' }).tracing).toEqual({ endpoint: 'http://collector:4318', serviceName: null });
      expect(loadConfig({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318', OTEL_SERVICE_NAME: 'bridge-eu' }).tracing?.serviceName).toBe('bridge-eu');
    });

    it('rejects an endpoint that is not a URL', () => {
      expect(configError({ OTEL_EXPORTER_OTLP_ENDPOINT: 'otel-collector:4318' }).message).toContain('OTEL_EXPORTER_OTLP_ENDPOINT: must be an http:// or https:// URL');
    });
  });

  describe('inventory mapping', () => {
    const real = { ...realFabricEnv, RETAILOPS_AUTH_TOKENS: 'a-long-random-token-0123' };

    it('is none against a real fabric unless configured, and location 1 onHand with the sandbox', () => {
      expect(loadConfig(real).channels[0]?.inventory).toBeNull();
      expect(loadConfig({}).channels[0]?.inventory).toEqual({ targets: [{ locationNumber: 1, counter: 'onHand', quantity: 'quantity_available' }], unknownSku: 'report' });
      expect(loadConfig({ ...real, INVENTORY_MAPPING: '{"targets":[{"locationNumber":7}],"unknownSku":"create"}' }).channels[0]?.inventory).toEqual({
        targets: [{ locationNumber: 7, counter: 'onHand', quantity: 'quantity_available' }],
        unknownSku: 'create',
      });
    });

    it('refuses a mapping that is not JSON, or not a mapping, naming what is wrong', () => {
      expect(configError({ INVENTORY_MAPPING: '{targets' }).message).toMatch(/^Invalid environment:\n  - INVENTORY_MAPPING: is not valid JSON/);
      expect(configError({ INVENTORY_MAPPING: '{"targets":[{"locationNumber":"x"}]}' }).message).toMatch(/Invalid INVENTORY_MAPPING:\n  - targets\.0\.locationNumber: /);
      expect(configError({ FABRIC_INVENTORY_SHARE: '0' }).message).toMatch(/FABRIC_INVENTORY_SHARE/);
    });

    it('is per entry in CHANNELS_FILE', () => {
      const path = channelsFile({
        channels: [
          { clientId: 497, channelId: 21, tokens: ['token-of-497-0123456789'], fabric: fabric('t1'), inventory: { targets: [{ locationNumber: 3, counter: 'available' }] } },
          { clientId: 498, channelId: 22, tokens: ['token-of-498-0123456789'], fabric: fabric('t2') },
        ],
      });
      const [first, second] = loadConfig({ CHANNELS_FILE: path }).channels;
      expect(first?.inventory?.targets).toEqual([{ locationNumber: 3, counter: 'available', quantity: 'quantity_available' }]);
      expect(second?.inventory).toBeNull();
      const bad = channelsFile({ channels: [{ clientId: 497, channelId: 21, tokens: ['token-of-497-0123456789'], fabric: fabric('t1'), inventory: { targets: [{ locationNumber: 3 }, { locationNumber: 3 }] } }] });
      expect(configError({ CHANNELS_FILE: bad }).message).toMatch(/channels\.0\.inventory\.targets\.1: location 3 counter onHand is targeted twice/);
    });
  });

  describe('CHANNELS_FILE', () => {
    it('loads multi-channel bindings keyed by client and channel', () => {
      const path = channelsFile({
        channels: [
          { clientId: 497, channelId: 21, tokens: ['token-of-497-0123456789'], fabric: fabric('t1') },
          { clientId: '498', channelId: '22', tokens: ['token-of-498-0123456789', 'second-498-0123456789'], fabric: { ...fabric('t2'), channelId: '13' } },
        ],
      });
      const config = loadConfig({ CHANNELS_FILE: path, RETAILOPS_AUTH_TOKENS: 'ignored-here' });
      expect(config.multiChannel).toBe(true);
      expect(config.useSandbox).toBe(false);
      expect(config.channels.map((binding) => binding.key)).toEqual(['497/21', '498/22']);
      expect(config.channels[0]).toMatchObject({ clientId: '497', channelId: '21', tokens: ['token-of-497-0123456789'], fabric: { tenantId: 't1', channelId: '12' } });
      expect(config.channels[1]).toMatchObject({ clientId: '498', channelId: '22', tokens: ['token-of-498-0123456789', 'second-498-0123456789'], fabric: { channelId: '13' } });
    });

    it('rejects an entry without tokens, or with a short token', () => {
      const missing = configError({ CHANNELS_FILE: channelsFile({ channels: [{ clientId: 1, channelId: 2, fabric: fabric('t') }] }) });
      expect(missing.message).toMatch(/^Invalid CHANNELS_FILE .*channels-\d+\.json:/);
      expect(missing.message).toContain('- channels.0.tokens:');
      const short = configError({ CHANNELS_FILE: channelsFile({ channels: [{ clientId: 1, channelId: 2, tokens: ['short'], fabric: fabric('t') }] }) });
      expect(short.message).toContain('channels.0.tokens.0: tokens must be at least 16 characters');
    });

    it('rejects a bad fabric URL', () => {
      const error = configError({
        CHANNELS_FILE: channelsFile({ channels: [{ clientId: 1, channelId: 2, tokens: ['abcdefgh-12345678'], fabric: { ...fabric('t'), baseUrl: 'nope' } }] }),
      });
      expect(error.message).toContain('- channels.0.fabric.baseUrl:');
    });

    it('rejects the same client and channel listed twice', () => {
      const entry = { clientId: '497', channelId: '21', tokens: ['abcdefgh-12345678'], fabric: fabric('t') };
      const error = configError({ CHANNELS_FILE: channelsFile({ channels: [entry, { ...entry, clientId: 497, channelId: 21 }] }) });
      expect(error.message).toMatch(/client 497 channel 21 is listed twice/);
    });

    it('takes client and channel ids as digits only, normalised as requests are', () => {
      const entry = { clientId: '0497', channelId: 21, tokens: ['abcdefgh-12345678'], fabric: fabric('t') };
      expect(loadConfig({ CHANNELS_FILE: channelsFile({ channels: [entry] }) }).channels[0]?.key).toBe('497/21');
      const error = configError({ CHANNELS_FILE: channelsFile({ channels: [{ ...entry, channelId: 'twenty-one' }] }) });
      expect(error.message).toContain('- channels.0.channelId: must be a RetailOPS id: digits only');
    });

    it('rejects an empty list, a file that is not JSON, and a missing file', () => {
      expect(configError({ CHANNELS_FILE: channelsFile({ channels: [] }) }).message).toContain('- channels:');
      expect(configError({ CHANNELS_FILE: channelsFile('{ "channels": [ ') }).message).toMatch(/CHANNELS_FILE .* cannot be read as JSON/);
      expect(configError({ CHANNELS_FILE: join(dir, 'missing.json') }).message).toMatch(/missing\.json cannot be read as JSON: ENOENT/);
    });
  });

  describe('freezing', () => {
    it('returns a deeply frozen config', () => {
      const config = loadConfig({});
      expect(Object.isFrozen(config)).toBe(true);
      expect(Object.isFrozen(config.channels)).toBe(true);
      expect(Object.isFrozen(config.channels[0])).toBe(true);
      expect(Object.isFrozen(config.channels[0]?.tokens)).toBe(true);
      expect(Object.isFrozen(config.channels[0]?.fabric)).toBe(true);
      expect(Object.isFrozen(config.worker.queues)).toBe(true);
      expect(() => {
        (config as { port: number }).port = 1;
      }).toThrow(TypeError);
      expect(() => (config.channels[0]?.tokens as string[]).push('x')).toThrow(TypeError);
    });

    it('withOverrides returns a frozen copy', () => {
      const config = loadConfig({});
      const changed = withOverrides(config, { port: 1234 });
      expect(changed.port).toBe(1234);
      expect(config.port).toBe(8080);
      expect(Object.isFrozen(changed)).toBe(true);
    });
  });
});

describe('REDIS_URL', () => {
  it('accepts redis:// and rediss:// URLs, with credentials and a database', () => {
    expect(loadConfig({ REDIS_URL: 'redis://127.0.0.1:6379' }).redisUrl).toBe('redis://127.0.0.1:6379');
    expect(loadConfig({ REDIS_URL: 'rediss://user:pass@redis.example.com:6380/2' }).redisUrl).toBe('rediss://user:pass@redis.example.com:6380/2');
  });

  it.each(['http://127.0.0.1:6379', 'notaurl', 'redis://', '127.0.0.1:6379', ''])('refuses %j, naming REDIS_URL and never echoing the value', (value) => {
    expect(() => loadConfig({ REDIS_URL: value })).toThrow(ConfigError);
    expect(() => loadConfig({ REDIS_URL: value })).toThrow(/REDIS_URL: must be a redis:\/\/ or rediss:\/\/ URL/);
  });

  it('never echoes a refused URL, whose password could be in it', () => {
    expect(() => loadConfig({ REDIS_URL: 'http://:hunter2@example.com' })).toThrow(expect.objectContaining({ message: expect.not.stringContaining('hunter2') }));
  });
});
