import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { postJson } from '../harness/http.js';
import { settled, startStack, TEST_TOKEN, type Stack } from '../harness/stack.js';

/** One JSON line per request and per job outcome, correlated by request id and job id. */
const lines: string[] = [];
let stack: Stack;

beforeAll(async () => {
  stack = await startStack({ logLines: lines });
});
afterAll(async () => stack?.close());

describe('logs', () => {
  it('a webhook gives one request line and its job one outcome line, tied by the request id', async () => {
    const response = await postJson(stack.ingressUrl, '/order_cancel', { data: { channel: { id: 21 }, order: { channel_refnum: 496 } } }, {
      bearer: TEST_TOKEN,
      headers: { 'x-request-id': 'req-abc-123' },
    });
    expect(response.headers.get('x-request-id')).toBe('req-abc-123');
    await settled(stack);
    const entries = lines.map((line) => JSON.parse(line) as Record<string, unknown>);
    const requestLines = entries.filter((entry) => entry['reqId'] === 'req-abc-123');
    expect(requestLines).toHaveLength(1);
    expect(requestLines[0]).toMatchObject({ msg: 'request completed', res: { statusCode: 200 }, req: { method: 'POST', url: '/order_cancel' } });
    const jobLines = entries.filter((entry) => entry['requestId'] === 'req-abc-123');
    expect(jobLines).toEqual([expect.objectContaining({ msg: 'job done', queue: 'cancel', kind: 'cancel', jobId: expect.stringMatching(/^cancel-/) })]);
  });
});
