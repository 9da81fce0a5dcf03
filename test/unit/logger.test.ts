import { Writable } from 'node:stream';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { buildLoggerOptions } from '../../shared/logger.js';

/** The redaction every service logger applies: secrets censored where the logged shapes can hold them. */
function logLine(fields: Record<string, unknown>): Record<string, unknown> {
  let written = '';
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      written += chunk.toString();
      done();
    },
  });
  pino(buildLoggerOptions('info', 'test'), sink).info(fields, 'line');
  return JSON.parse(written) as Record<string, unknown>;
}

describe('shared/logger redaction', () => {
  it.each([
    ['a top-level token', { token: 'S1' }],
    ['a seed ticket in a payload', { body: { headers: { ticket: 'S1' } } }],
    ['a ticket in headers', { headers: { ticket: 'S1' } }],
    ['a v1 token in a payload', { payload: { integration_auth_token: 'S1' } }],
    ['an authorization header', { req: { headers: { authorization: 'Bearer S1' } } }],
    ['a fabric client secret in the configuration', { config: { fabric: { clientSecret: 'S1' } } }],
    ['the admin token', { config: { admin: { token: 'S1' } } }],
    ['an access token in fabric settings', { settings: { access_token: 'S1' } }],
  ])('censors %s', (_name, fields) => {
    const line = logLine(fields);
    expect(JSON.stringify(line)).not.toContain('S1');
    expect(JSON.stringify(line)).toContain('[redacted]');
  });

  it('leaves the ordinary fields of a line alone', () => {
    expect(logLine({ jobId: 'cancel-1', outcome: 'cancelled', fabricCalls: 1 })).toMatchObject({ jobId: 'cancel-1', outcome: 'cancelled', fabricCalls: 1 });
  });
});
