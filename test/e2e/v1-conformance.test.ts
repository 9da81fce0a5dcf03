import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exampleOf, schemaErrors, sdkActions, type SdkAction } from '../harness/json-schema.js';
import { postJson } from '../harness/http.js';
import { eventually, jobCounts, startStack, TEST_TOKEN, type Stack } from '../harness/stack.js';

/**
 * RetailOPS certifies a channel by posting example requests to every SDK route and checking the status and the body
 * against `targetSchema`; with a wrong token it expects exactly 401. This suite does the same, for every route, under
 * the base path and at the root.
 */
let stack: Stack;

beforeAll(async () => {
  stack = await startStack({ workers: true });
  // The pull must have orders to return, so that their shape is checked too.
  await eventually('orders in the inbox', async () => {
    const response = await postJson(stack.ingressUrl, '/order_pull_v1', request(pullAction()));
    const body = (await response.json()) as { orders?: unknown[] };
    return body.orders && body.orders.length > 0 ? true : undefined;
  });
});
afterAll(async () => stack?.close());

function pullAction(): SdkAction {
  const action = sdkActions().find((candidate) => candidate.name === 'order_pull_v1');
  if (!action) throw new Error('no order_pull_v1 schema');
  return action;
}

/** A schema-valid request naming the sandbox's order 496 and its skus, with the given token. */
function request(action: SdkAction, token: string | null = TEST_TOKEN): Record<string, unknown> {
  const body = exampleOf(action.schema) as Record<string, unknown>;
  const text = JSON.stringify(body)
    .replaceAll('"channel_order_refnum":"X123"', '"channel_order_refnum":"496"')
    .replaceAll('"channel_order_refnum":"x"', '"channel_order_refnum":"496"');
  const result = JSON.parse(text) as Record<string, unknown>;
  if (action.name === 'order_pull_v1') delete result['specific_orders'];
  if (token === null) delete result['integration_auth_token'];
  else result['integration_auth_token'] = token;
  return result;
}

describe.each(sdkActions().map((action) => [action.name, action] as const))('%s', (_name, action) => {
  it('the generated request is valid against the request schema', () => {
    expect(schemaErrors(action.schema, request(action))).toEqual([]);
  });

  it.each([stack?.config.v1BasePath ?? '/api/channel', ''])('answers 200 with a body valid against targetSchema (base "%s")', async (base) => {
    const response = await postJson(stack.ingressUrl, `${base}${action.href}`, request(action));
    expect(response.status).toBe(200);
    const body = (await response.json()) as Record<string, unknown>;
    expect(schemaErrors(action.targetSchema, body)).toEqual([]);
    expect(Array.isArray(body['events'])).toBe(true);
    if (action.name === 'order_pull_v1') expect((body['orders'] as unknown[]).length).toBeGreaterThan(0);
  });

  it('answers exactly 401 with a wrong or missing token, and enqueues nothing', async () => {
    const before = await jobCounts(stack);
    expect((await postJson(stack.ingressUrl, `${stack.config.v1BasePath}${action.href}`, request(action, 'RETAILOPS_SDK_WRONG'))).status).toBe(401);
    expect((await postJson(stack.ingressUrl, action.href, request(action, null))).status).toBe(401);
    const after = await jobCounts(stack);
    expect(after.cancel + after.update + after.return).toBe(before.cancel + before.update + before.return);
  });

  it('answers 400 with the failing paths when a required field is missing', async () => {
    const { client_id: _dropped, ...body } = request(action);
    const response = await postJson(stack.ingressUrl, action.href, body);
    expect(response.status).toBe(400);
    const error = (await response.json()) as { issues: { path: string }[] };
    expect(error.issues.map((issue) => issue.path)).toContain('client_id');
  });
});
