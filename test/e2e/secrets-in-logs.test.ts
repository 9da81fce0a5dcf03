import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { postJson, seedFixtures, sendFixture } from '../harness/http.js';
import { SEED_EXAMPLE_TICKET, settled, startStack, TEST_TOKEN, type Stack } from '../harness/stack.js';

/** A full run (every seed and v1 route, failures, retries, bad credentials): no configured secret in any log line. */
const lines: string[] = [];
let stack: Stack;

beforeAll(async () => {
  stack = await startStack({ logLines: lines, env: { JOB_ATTEMPTS: '2', LOG_LEVEL: 'trace' } });
});
afterAll(async () => stack?.close());

describe('secrets never reach a log', () => {
  it('greps every log line of a full run for the configured secrets', async () => {
    for (const fixture of seedFixtures()) await sendFixture(stack.ingressUrl, fixture, fixture.name.startsWith('000') ? {} : { bearer: TEST_TOKEN });
    await postJson(stack.ingressUrl, '/api/channel/order_cancel_v1', {
      action: 'order_cancel', version: 1, client_id: 497, channel_info: { id: 21 }, integration_auth_token: TEST_TOKEN, order: { channel_order_refnum: '497' },
    });
    await postJson(stack.ingressUrl, '/order_cancel', { data: { order: { channel_refnum: 999 } } }, { bearer: TEST_TOKEN });
    await postJson(stack.ingressUrl, '/order_cancel', { data: { order: { channel_refnum: 496 } } }, { bearer: `${TEST_TOKEN}x` });
    await fetch(`${stack.ingressUrl}/orders?headers[ticket]=${encodeURIComponent(SEED_EXAMPLE_TICKET)}&headers[client_id]=497`);
    await stack.sandbox.setFaults({ failNext: 3, status: 503 });
    await postJson(stack.ingressUrl, '/order_cancel', { data: { order: { channel_refnum: 498 } } }, { bearer: TEST_TOKEN });
    await settled(stack);
    await stack.sandbox.clearFaults();

    const fabric = stack.config.channels[0]?.fabric;
    const secrets = [
      TEST_TOKEN,
      SEED_EXAMPLE_TICKET,
      encodeURIComponent(SEED_EXAMPLE_TICKET),
      SEED_EXAMPLE_TICKET.split(',').at(-1) ?? '',
      fabric?.clientSecret ?? '',
      Buffer.from(`${fabric?.clientId}:${fabric?.clientSecret}`).toString('base64'),
    ].filter((secret) => secret.length >= 8);
    expect(lines.length).toBeGreaterThan(20);
    expect(lines.some((line) => line.includes('[redacted]'))).toBe(true);
    for (const line of lines) {
      for (const secret of secrets) expect(line.includes(secret), `a log line holds a secret: ${line.slice(0, 200)}`).toBe(false);
      expect(line).not.toMatch(/Bearer [A-Za-z0-9]/);
    }
  });
});
