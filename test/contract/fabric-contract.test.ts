// The bridge against fabric's published OpenAPI (test/fixtures/fabric-openapi/): every request the workers send while
// the seed and SDK v1 actions run is validated against its operation's request schema, every answer the sandbox
// gives against the schema of its status, and the sandbox refuses what fabric would, with fabric's 400.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ContractValidator, type ContractProblem } from '../../sandbox/contract/contract.js';
import type { ContractExchange, LedgerEntry } from '../../sandbox/client.js';
import { startSandbox, type RunningSandbox } from '../../sandbox/server.js';
import { postJson, seedFixture, sendFixture } from '../harness/http.js';
import { ContractViolationError, eventually, settled, startStack, TEST_TOKEN, type Stack } from '../harness/stack.js';
import { LEDGER_OPERATIONS } from '../harness/fabric-contract.js';

/** A validator of its own, built from the same committed contract the sandbox loads. */
const validator = new ContractValidator();

/** The ledger's kinds as contract operations, so ledger bodies are checked too (they are what the sandbox stored). */

/** One line per problem, so a failure reads as a list of what to fix. */
const summary = (findings: readonly { operation: string; status?: number; direction?: string; problems: readonly ContractProblem[]; body?: unknown }[]): string[] =>
  findings.flatMap((finding) =>
    finding.problems.map(
      (problem) =>
        `${finding.direction ?? 'request'} ${finding.operation}${finding.status === undefined ? '' : ` ${finding.status}`}: ${problem.field} ${problem.kind} (${problem.message})` +
        (finding.direction === 'response' ? '' : ` in ${JSON.stringify(finding.body)}`),
    ),
  );

interface Finding {
  operation: string;
  path: string;
  body: unknown;
  problems: ContractProblem[];
}

function requestFindings(exchanges: readonly ContractExchange[]): Finding[] {
  return exchanges.flatMap((exchange) => {
    const problems = validator.checkRequest(exchange.operation, exchange.body, exchange.query);
    return problems.length === 0 ? [] : [{ operation: exchange.operation, path: exchange.path, body: exchange.body, problems }];
  });
}

function ledgerFindings(calls: readonly LedgerEntry[]): Finding[] {
  return calls.flatMap((call) => {
    const operation = LEDGER_OPERATIONS[call.kind];
    if (operation === undefined) return []; // create-order: a sandbox convenience, not a call the bridge makes
    const problems = validator.checkRequest(operation, call.body, {});
    return problems.length === 0 ? [] : [{ operation, path: call.path, body: call.body, problems }];
  });
}

describe('every fabric call of the seed and SDK v1 actions follows fabric’s OpenAPI', () => {
  let stack: Stack;
  const exchanges: ContractExchange[] = [];
  const ledger: LedgerEntry[] = [];

  beforeAll(async () => {
    // This suite asserts on the violations itself, so each shows up in the test that names it.
    stack = await startStack({ failOnContractViolations: false });
  });
  afterAll(async () => stack?.close());

  /** Runs one action from a fresh sandbox and keeps what it sent (the reset clears the ledger, not the exchanges). */
  async function act(send: () => Promise<Response>): Promise<void> {
    await stack.reset();
    const response = await send();
    expect(response.status).toBe(200);
    await settled(stack);
    ledger.push(...(await stack.sandbox.calls()));
  }

  const v1 = (action: string, body: Record<string, unknown>) =>
    postJson(stack.ingressUrl, `/api/channel/${action}_v1`, {
      action,
      version: 1,
      client_id: 497,
      channel_info: { id: 21 },
      integration_auth_token: TEST_TOKEN,
      ...body,
    });

  it('drives sync, acknowledge, return, update, complete, cancel, shipment submit and settle payment', async () => {
    // Order fetch asks for a sync (token, search); acknowledge then marks the order (update-attributes).
    await stack.reset();
    await eventually('order 496 synced', async () => {
      const body = (await (await sendFixture(stack.ingressUrl, seedFixture('000-order-fetch'))).json()) as { orders: { channel_refnum: string }[] };
      return body.orders.some((order) => order.channel_refnum === '496') ? true : undefined;
    });
    expect((await sendFixture(stack.ingressUrl, seedFixture('000-order-ack'))).status).toBe(200);
    await settled(stack);
    ledger.push(...(await stack.sandbox.calls()));

    await act(() => sendFixture(stack.ingressUrl, seedFixture('004-order-returned'), { bearer: TEST_TOKEN }));
    await act(() => sendFixture(stack.ingressUrl, seedFixture('002-order-update'), { bearer: TEST_TOKEN }));
    await act(() => sendFixture(stack.ingressUrl, seedFixture('000-order-complete')));
    await act(() => sendFixture(stack.ingressUrl, seedFixture('001-order-cancel'), { bearer: TEST_TOKEN }));
    await act(() =>
      v1('order_returned', {
        order: { channel_order_refnum: '496' },
        return: { retailops_return_id: 87, refund_amt: 30, items: [{ sku: '53', quantity: 1, reason: 'CustomerReturn' }] },
      }),
    );
    await act(() =>
      v1('order_update', {
        order: { channel_order_refnum: '496', order_items: [{ sku: '132', quantity: 2, order_item_id: 7397, channel_item_refnum: '7397', removed: false }] },
      }),
    );
    await act(() =>
      v1('order_complete', {
        order: {
          channel_order_refnum: '496',
          retailops_order_id: 4897,
          shipments: [
            {
              retailops_shipment_id: 100000084,
              packages: [{ retailops_package_id: 370, carrier_name: 'WillCall', carrier_class_name: 'WillCall Standard', tracking_number: 'ZX29827782929', date_shipped: '2016-04-08T21:13:11Z', package_items: [] }],
            },
          ],
          unshipped_items: [{ channel_item_refnum: '496', sku: '299', ordered_quantity: 1, unshipped_quantity: 1 }],
        },
      }),
    );
    await act(() =>
      v1('order_shipment_submit', {
        channel_order_refnum: '496',
        retailops_order_id: 4897,
        shipment: { retailops_shipment_id: 5001, packages: [{ retailops_package_id: 1, carrier_name: 'UPS', tracking_number: '1Z1', package_items: [{ sku: '132', channel_item_refnum: '7397', quantity: 2 }] }] },
      }),
    );
    // Settle payment only reads the order (fabric has no call that captures on request): its read is held to the spec too.
    await act(() =>
      v1('order_settle_payment', {
        order: { channel_order_refnum: '496', retailops_order_id: 4897, grand_total: 121.32 },
        payment: { currency_code: 'USD', payment_transactions: [{ payment_processing_type: 'channel_payment', transaction_type: 'charge', amount: 121.32 }] },
      }),
    );
    await act(() => v1('order_cancel', { order: { channel_order_refnum: '496', retailops_order_id: 4897 } }));

    exchanges.push(...(await stack.sandbox.contractExchanges()));
    const covered = new Set(exchanges.map((exchange) => exchange.operation));
    // What these actions must have called, so a test that silently called nothing cannot pass.
    expect([...covered]).toEqual(
      expect.arrayContaining([
        'POST /oauth2/{authServerId}/v1/token',
        'POST /orders/search',
        'GET /orders/order-number/{orderNumber}',
        'POST /orders/order-number/{orderNumber}/actions/update-attributes',
        'POST /orders/order-number/{orderNumber}/actions/submit-return-request',
        'POST /orders/order-number/{orderNumber}/actions/cancel',
        'POST /shipments/create-order-shipment',
        'POST /shipments/search',
      ]),
    );
  });

  it('sent no request body or query that fabric’s request schema refuses', () => {
    expect(exchanges.length).toBeGreaterThan(0);
    expect([...new Set(summary(requestFindings(exchanges)))]).toEqual([]);
  });

  it('left no ledger entry whose body fabric’s request schema refuses', () => {
    expect(ledger.length).toBeGreaterThan(0);
    expect([...new Set(summary(ledgerFindings(ledger)))]).toEqual([]);
  });

  it('got only answers that fabric documents, and no refusal from the sandbox’s contract check', async () => {
    expect([...new Set(summary(await stack.sandbox.contractViolations()))]).toEqual([]);
  });
});

describe('a test stack fails on a contract violation', () => {
  it('close() throws, naming the operation, the field and what was sent', async () => {
    const stack = await startStack();
    const token = (await (
      await fetch(`${stack.sandboxUrl}/oauth2/aus-sandbox/v1/token`, {
        method: 'POST',
        headers: { authorization: `Basic ${Buffer.from('sandbox-client:sandbox-secret').toString('base64')}`, 'content-type': 'application/x-www-form-urlencoded' },
        body: 'grant_type=client_credentials&scope=s2s',
      })
    ).json()) as { access_token: string };
    const refused = await fetch(`${stack.sandboxUrl}/v3/orders/order-number/496/actions/cancel`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token.access_token}`, 'x-fabric-tenant-id': 't', 'x-fabric-channel-id': '12', 'content-type': 'application/json' },
      body: JSON.stringify({ source: 'RetailOPS' }),
    });
    expect(refused.status).toBe(400);

    const closing = stack.close();
    await expect(closing).rejects.toBeInstanceOf(ContractViolationError);
    await expect(closing).rejects.toThrow(
      'request POST /orders/order-number/{orderNumber}/actions/cancel (/v3/orders/order-number/496/actions/cancel, HTTP 400): reasonCode missing: is required\n      sent: {"source":"RetailOPS"}',
    );
  });
});

describe('the sandbox refuses what fabric’s spec refuses', () => {
  let sandbox: RunningSandbox;
  let token: string;

  beforeAll(async () => {
    sandbox = await startSandbox({ host: '127.0.0.1', port: 0, validateResponses: true });
    const response = await fetch(`${sandbox.url}/oauth2/aus-sandbox/v1/token`, {
      method: 'POST',
      headers: {
        authorization: `Basic ${Buffer.from('sandbox-client:sandbox-secret').toString('base64')}`,
        'content-type': 'application/x-www-form-urlencoded',
      },
      body: 'grant_type=client_credentials&scope=s2s',
    });
    token = ((await response.json()) as { access_token: string }).access_token;
  });
  afterAll(async () => sandbox?.close());

  const v3 = (path: string, body: unknown) =>
    fetch(`${sandbox.url}/v3${path}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'x-fabric-tenant-id': 't', 'x-fabric-channel-id': '12', 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });

  it('a submit-return-request item without scannedAt is a 400 SERVICE-4003 naming the field, and changes nothing', async () => {
    const before = await (await fetch(`${sandbox.url}/_sandbox/orders/496`)).json();
    const item = { orderLineItemId: '7395', quantity: 1, returnType: 'RECEIVED', shipmentId: 's-1', shipmentLineId: '1', reasonCode: 'RETAILOPS_RETURN' };
    const response = await v3('/orders/order-number/496/actions/submit-return-request', { source: 'RetailOPS', items: [item] });

    expect(response.status).toBe(400);
    const body = (await response.json()) as Record<string, unknown>;
    expect(body).toMatchObject({
      type: 'CLIENT_ERROR',
      errorCode: 'SERVICE-4003',
      message: 'Mandatory param(s): `items.0.scannedAt` is/are missing',
      errors: [{ type: 'CLIENT_ERROR', errorCode: 'SERVICE-4003', message: 'Mandatory param(s): `items.0.scannedAt` is/are missing', errors: [] }],
    });
    // fabric's own 400 schema for the operation accepts the refusal.
    expect(validator.checkResponse('POST /orders/order-number/{orderNumber}/actions/submit-return-request', 400, body)).toEqual([]);
    expect(await (await fetch(`${sandbox.url}/_sandbox/orders/496`)).json()).toEqual(before);

    const { violations } = (await (await fetch(`${sandbox.url}/_sandbox/contract-violations`)).json()) as { violations: { direction: string; problems: ContractProblem[] }[] };
    expect(violations.at(-1)).toMatchObject({ direction: 'request', problems: [{ field: 'items.0.scannedAt', kind: 'missing' }] });
  });

  it('a value of the wrong type is a 400 SERVICE-4002', async () => {
    const response = await v3('/orders/order-number/496/actions/update-attributes', { attributes: 'acknowledged' });
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ type: 'CLIENT_ERROR', errorCode: 'SERVICE-4002', message: "Invalid value(s) specified for 'attributes'" });
  });

  it('reads search filters as fabric means them: the condition picks value or values, any number is a number', () => {
    const search = (filters: unknown[]) => validator.checkRequest('POST /orders/search', { filters, sort: '+order.createdAt' }, { offset: '0', limit: '100' });
    expect(search([{ field: 'order.createdAt', condition: 'GTE', value: '2016-04-08T00:00:00.000Z' }])).toEqual([]);
    expect(search([{ field: 'order.orderTotal', condition: 'LTE', value: 10 }])).toEqual([]);
    expect(search([{ field: 'order.orderNumber', condition: 'IN', values: ['496', 497] }])).toEqual([]);
    expect(search([{ field: 'order.orderNumber', condition: 'IN', values: [] }]).map((problem) => problem.field)).toEqual(['filters.0.values']);
    expect(search([{ field: 'order.attributes.x', condition: 'EQ', value: true }]).map((problem) => problem.kind)).toContain('invalid');
    expect(validator.checkRequest('POST /orders/search', { filters: [] }, { limit: 'ten' }).map((problem) => problem.field)).toEqual(['limit']);
  });

  it('the validator names every field fabric requires of a return item', () => {
    const problems = validator.checkRequest('POST /orders/order-number/{orderNumber}/actions/submit-return-request', { source: 'RetailOPS', items: [{ orderLineItemId: '1', quantity: 1, returnType: 'RECEIVED' }] }, {});
    expect(problems.map((problem) => problem.field)).toEqual(['items.0.scannedAt', 'items.0.shipmentId', 'items.0.shipmentLineId']);
  });
});
