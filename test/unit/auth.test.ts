import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { authenticate, type PresentedCredentials } from '../../ingress/auth.js';
import { loadConfig, SANDBOX_TEST_TOKEN, SEED_EXAMPLE_TICKET, type Config } from '../../shared/config.js';
import { tokensEqual } from '../../shared/tokens.js';
import { fabricSettingsFor } from './helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'rob-auth-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const fabric = fabricSettingsFor;

function multiChannelConfig(): Config {
  const path = join(dir, 'channels.json');
  writeFileSync(
    path,
    JSON.stringify({
      channels: [
        // Client 497 has two channels served by one token.
        { clientId: '497', channelId: '21', tokens: ['token-of-497-0123456789'], fabric: fabric('t21') },
        { clientId: '497', channelId: '22', tokens: ['token-of-497-0123456789', 'only-for-22-0123456789'], fabric: fabric('t22') },
        { clientId: '498', channelId: '21', tokens: ['token-of-498-0123456789'], fabric: fabric('t98') },
      ],
    }),
  );
  return loadConfig({ CHANNELS_FILE: path });
}

const credentials = (overrides: Partial<PresentedCredentials>): PresentedCredentials => ({ token: null, clientId: null, channelId: null, ...overrides });

/** The error authenticate throws, with its HTTP status. */
function rejection(config: Config, presented: PresentedCredentials): { statusCode: number; code: string; message: string } {
  try {
    authenticate(config, presented);
  } catch (error) {
    return error as { statusCode: number; code: string; message: string };
  }
  throw new Error('expected authenticate to throw');
}

describe('ingress/auth', () => {
  describe('tokensEqual', () => {
    it('compares tokens of any length', () => {
      expect(tokensEqual('abc', 'abc')).toBe(true);
      expect(tokensEqual('abc', 'abd')).toBe(false);
      expect(tokensEqual('abc', 'abcd')).toBe(false);
      expect(tokensEqual('', '')).toBe(true);
      expect(tokensEqual(SEED_EXAMPLE_TICKET, SEED_EXAMPLE_TICKET)).toBe(true);
      expect(tokensEqual(SEED_EXAMPLE_TICKET, `${SEED_EXAMPLE_TICKET} `)).toBe(false);
    });
  });

  describe('single channel', () => {
    const sandbox = loadConfig({});
    const pinned = loadConfig({ RETAILOPS_AUTH_TOKENS: 'secret-token-0123456789', RETAILOPS_CLIENT_ID: '497' });

    it('rejects a missing or empty token with 401', () => {
      for (const token of [null, '']) {
        const error = rejection(sandbox, credentials({ token }));
        expect(error.statusCode).toBe(401);
        expect(error.code).toBe('ROB_UNAUTHORIZED');
        expect(error.message).toMatch(/missing credentials/);
      }
    });

    it('rejects a wrong token with 401', () => {
      const error = rejection(sandbox, credentials({ token: 'RETAILOPS_SDK2', clientId: '497', channelId: '21' }));
      expect(error.statusCode).toBe(401);
      expect(error.message).toMatch(/invalid credentials/);
    });

    it('accepts the sandbox tokens for any client and channel', () => {
      expect(authenticate(sandbox, credentials({ token: SANDBOX_TEST_TOKEN, clientId: '497', channelId: '21' }))).toMatchObject({
        clientId: '497',
        channelId: '21',
        binding: { key: 'default' },
      });
      expect(authenticate(sandbox, credentials({ token: SEED_EXAMPLE_TICKET }))).toMatchObject({ clientId: 'default', channelId: 'default' });
    });

    it('with RETAILOPS_CLIENT_ID set, rejects another client named in the headers with 401', () => {
      const error = rejection(pinned, credentials({ token: 'secret-token-0123456789', clientId: '498', channelId: '21' }));
      expect(error.statusCode).toBe(401);
      expect(error.message).toMatch(/do not belong to client 498/);
    });

    it('with RETAILOPS_CHANNEL_ID set, rejects another channel with 401 and takes the channel from the binding', () => {
      const channelPinned = loadConfig({ RETAILOPS_AUTH_TOKENS: 'secret-token-0123456789', RETAILOPS_CHANNEL_ID: '21' });
      const error = rejection(channelPinned, credentials({ token: 'secret-token-0123456789', channelId: '22' }));
      expect(error.statusCode).toBe(401);
      expect(error.message).toMatch(/not valid for channel 22/);
      expect(authenticate(channelPinned, credentials({ token: 'secret-token-0123456789', channelId: '21' }))).toMatchObject({ channelId: '21' });
      expect(authenticate(channelPinned, credentials({ token: 'secret-token-0123456789' }))).toMatchObject({ channelId: '21' });
    });

    it('with RETAILOPS_CLIENT_ID set, takes the client from the binding', () => {
      expect(authenticate(pinned, credentials({ token: 'secret-token-0123456789', clientId: '497', channelId: '21' }))).toMatchObject({ clientId: '497', channelId: '21' });
      expect(authenticate(pinned, credentials({ token: 'secret-token-0123456789' }))).toMatchObject({ clientId: '497', channelId: 'default' });
    });
  });

  describe('multi channel (CHANNELS_FILE)', () => {
    const config = multiChannelConfig();

    it('picks the binding by channel id', () => {
      const on21 = authenticate(config, credentials({ token: 'token-of-497-0123456789', clientId: '497', channelId: '21' }));
      const on22 = authenticate(config, credentials({ token: 'token-of-497-0123456789', channelId: '22' }));
      expect([on21.binding.key, on21.binding.fabric.tenantId, on21.clientId, on21.channelId]).toEqual(['497/21', 't21', '497', '21']);
      expect([on22.binding.key, on22.binding.fabric.tenantId, on22.clientId, on22.channelId]).toEqual(['497/22', 't22', '497', '22']);
    });

    it('a token of one channel only needs no channel id', () => {
      expect(authenticate(config, credentials({ token: 'only-for-22-0123456789' })).binding.key).toBe('497/22');
      expect(authenticate(config, credentials({ token: 'token-of-498-0123456789' }))).toMatchObject({ clientId: '498', channelId: '21', binding: { key: '498/21' } });
    });

    it("rejects another client's token with 401", () => {
      const error = rejection(config, credentials({ token: 'token-of-498-0123456789', clientId: '497', channelId: '21' }));
      expect(error.statusCode).toBe(401);
      expect(error.message).toMatch(/do not belong to client 497/);
    });

    it('rejects a token for a channel it does not serve with 401', () => {
      expect(rejection(config, credentials({ token: 'only-for-22-0123456789', channelId: '21' })).statusCode).toBe(401);
      expect(rejection(config, credentials({ token: 'token-of-497-0123456789', channelId: '23' })).statusCode).toBe(401);
    });

    it('rejects a token unknown to every binding with 401', () => {
      expect(rejection(config, credentials({ token: 'RETAILOPS_SDK', channelId: '21' })).statusCode).toBe(401);
    });

    it('asks for the channel id (400) when the token serves two channels', () => {
      const error = rejection(config, credentials({ token: 'token-of-497-0123456789', clientId: '497' }));
      expect(error.statusCode).toBe(400);
      expect(error.code).toBe('ROB_CHANNEL_UNKNOWN');
      expect(error.message).toMatch(/data\.channel\.id is required/);
    });
  });
});
