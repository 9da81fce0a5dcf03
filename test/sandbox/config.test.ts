import { describe, expect, it } from 'vitest';
import { loadSandboxConfig, SandboxConfigError } from '../../sandbox/config.js';

describe('loadSandboxConfig', () => {
  it('applies defaults', () => {
    expect(loadSandboxConfig({})).toEqual({
      host: '127.0.0.1',
      port: 4010,
      clients: [{ clientId: 'sandbox-client', clientSecret: 'sandbox-secret' }],
      faults: { errorRate: 0, status: 503, retryAfterSeconds: null, latencyMs: 0 },
      logLevel: 'info',
    });
  });

  it('reads every variable, treating empty ones as unset', () => {
    const config = loadSandboxConfig({
      SANDBOX_HOST: '0.0.0.0',
      SANDBOX_PORT: '0',
      SANDBOX_CLIENT_ID: 'id',
      SANDBOX_CLIENT_SECRET: 'secret',
      SANDBOX_FAULT_ERROR_RATE: '0.25',
      SANDBOX_FAULT_STATUS: '429',
      SANDBOX_FAULT_RETRY_AFTER_SECONDS: '3',
      SANDBOX_FAULT_LATENCY_MS: '',
    });
    expect(config).toMatchObject({
      host: '0.0.0.0',
      port: 0,
      clients: [{ clientId: 'id', clientSecret: 'secret' }],
      faults: { errorRate: 0.25, status: 429, retryAfterSeconds: 3, latencyMs: 0 },
    });
    expect(Object.isFrozen(config)).toBe(true);
  });

  it('names every bad variable', () => {
    let error: unknown;
    try {
      loadSandboxConfig({ SANDBOX_PORT: 'abc', SANDBOX_FAULT_ERROR_RATE: '2', SANDBOX_FAULT_STATUS: '200' });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(SandboxConfigError);
    const message = (error as Error).message;
    expect(message).toContain('SANDBOX_PORT="abc"');
    expect(message).toContain('SANDBOX_FAULT_ERROR_RATE="2"');
    expect(message).toContain('SANDBOX_FAULT_STATUS="200"');
  });
});
