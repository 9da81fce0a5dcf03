import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { postJson, seedFixture, sendFixture } from '../harness/http.js';
import { eventually, jobCounts, settled, startStack, TEST_TOKEN, type Stack } from '../harness/stack.js';
import { contractProblems } from '../harness/fabric-contract.js';

/** The v1 routes drive the same jobs as the seed routes: the same fabric calls, deduplicated alike. */
let stack: Stack;

beforeAll(async () => {
  stack = await startStack();
});
afterAll(async () => stack?.close());
beforeEach(async () => stack.reset());

function v1(action: string, body: Record<string, unknown>, clientId = 497) {
  return postJson(stack.ingressUrl, `/api/channel/${action}_v1`, {
    action,
    version: 1,
    client_id: clientId,
    channel_info: { id: 21 },
    integration_auth_token: TEST_TOKEN,
    ...body,
  });
}

/** The ledger once the jobs settled; each body must carry every field fabric's OpenAPI requires of that call. */
async function ledger() {
  await settled(stack);
  const calls = (await stack.sandbox.calls()).map((call) => ({ kind: call.kind, path: call.path, status: call.status, body: call.body }));
  for (const call of calls) expect(contractProblems(call.kind, call.body), `${call.kind} ${call.path}`).toEqual([]);
  return calls.map((call) => ({ ...call, body: withJobMarksNamed(call.body) }));
}

/**
 * Cancels carry the id of the job that sent them (workers/action-mark.ts): a v1 call and its seed twin are different
 * jobs (the client and the payload's hash differ), so the mark is checked for shape and then compared as `<job>`.
 */
function withJobMarksNamed(body: unknown): unknown {
  return JSON.parse(JSON.stringify(body), (key, value: unknown) => {
    if (key !== 'retailopsJobId') return value;
    expect(value).toMatch(/^(cancel|update|order\.complete)-/);
    return '<job>';
  });
}

/** A return's scannedAt is when RetailOPS reported it, so two deliveries differ there and only there. */
function withoutScannedAt(calls: Awaited<ReturnType<typeof ledger>>) {
  return calls.map((call) => {
    const body = call.body as { items?: Record<string, unknown>[] } | null;
    return body?.items ? { ...call, body: { ...body, items: body.items.map(({ scannedAt: _scannedAt, ...item }) => item) } } : call;
  });
}

async function json(response: Response): Promise<Record<string, unknown>> {
  expect(response.status).toBe(200);
  return (await response.json()) as Record<string, unknown>;
}

describe('v1 order actions make the same fabric calls as the seed routes', () => {
  it('cancel', async () => {
    expect(await json(await v1('order_cancel', { order: { channel_order_refnum: '496', retailops_order_id: 4897 } }))).toEqual({ status: 'success', events: [] });
    const v1Calls = await ledger();
    await stack.reset();
    await sendFixture(stack.ingressUrl, seedFixture('000-orders-cancel'));
    const seedCalls = await ledger();
    expect(v1Calls.map(({ kind, path, status }) => ({ kind, path, status }))).toEqual(seedCalls.map(({ kind, path, status }) => ({ kind, path, status })));
    expect(v1Calls).toHaveLength(1);
  });

  it('update, answering the projected line items', async () => {
    const body = await json(
      await v1('order_update', {
        order: { channel_order_refnum: '496', order_items: [{ sku: '132', quantity: 2, order_item_id: 7397, channel_item_refnum: '7397', removed: false }] },
      }),
    );
    expect(body['line_items']).toEqual([{ order_item_id: 7397, refnum: '7397', quantity: 2, unit_tax: 0 }]);
    const v1Calls = await ledger();
    await stack.reset();
    await sendFixture(stack.ingressUrl, seedFixture('002-order-update'), { bearer: TEST_TOKEN });
    expect(v1Calls).toEqual(await ledger());
    expect(v1Calls[0]).toMatchObject({ kind: 'cancel', body: { items: [{ lineItemId: '7397', itemUnitNumber: 3, quantity: 1 }] } });
  });

  it('return, answering no store credit', async () => {
    const body = await json(
      await v1('order_returned', {
        order: { channel_order_refnum: '496' },
        return: { retailops_return_id: 87, refund_amt: 30, items: [{ sku: '53', quantity: 1, reason: 'CustomerReturn' }] },
      }),
    );
    expect(body['return']).toEqual({ channel_store_credit_amount: 0 });
    const v1Calls = await ledger();
    await stack.reset();
    await sendFixture(stack.ingressUrl, seedFixture('004-order-returned'), { bearer: TEST_TOKEN });
    expect(withoutScannedAt(v1Calls)).toEqual(withoutScannedAt(await ledger()));
    expect(v1Calls[0]).toMatchObject({ kind: 'return', status: 201, body: { items: [{ orderLineItemId: '7395', shipmentLineId: '1', scannedAt: expect.any(String) }] } });
  });

  it('complete', async () => {
    await json(
      await v1('order_complete', {
        order: {
          channel_order_refnum: '496',
          retailops_order_id: 4897,
          shipments: [{ retailops_shipment_id: 100000084, packages: [{ retailops_package_id: 370, carrier_name: 'WillCall', carrier_class_name: 'WillCall Standard', tracking_number: 'ZX29827782929', date_shipped: '2016-04-08T21:13:11Z', package_items: [] }] }],
          unshipped_items: [{ channel_item_refnum: '496', sku: '299', ordered_quantity: 1, unshipped_quantity: 1 }],
        },
      }),
    );
    const v1Calls = await ledger();
    await stack.reset();
    await sendFixture(stack.ingressUrl, seedFixture('000-order-complete'));
    expect(v1Calls).toEqual(await ledger());
  });

  it('shipment submit: one shipment per package, not repeated when resubmitted or completed later', async () => {
    const shipment = {
      retailops_shipment_id: 5001,
      packages: [{ retailops_package_id: 1, carrier_name: 'UPS', tracking_number: '1Z1', package_items: [{ sku: '132', channel_item_refnum: '7397', quantity: 2 }] }],
    };
    await json(await v1('order_shipment_submit', { channel_order_refnum: '496', retailops_order_id: 4897, shipment }));
    await settled(stack);
    await json(await v1('order_shipment_submit', { channel_order_refnum: '496', retailops_order_id: 4898, shipment }));
    const calls = await ledger();
    const created = calls.filter((call) => call.kind === 'shipment' && call.status === 201);
    expect(created).toHaveLength(1);
    // The second job read the order's shipments first and found RO-5001-1: it did not even try to create it again.
    expect(calls.filter((call) => call.kind === 'shipment')).toHaveLength(1);
    expect(created[0]?.body).toMatchObject({ shipmentNumber: 'RO-5001-1', cartons: [{ shipmentCarrier: 'UPS', trackingNumber: '1Z1', items: [{ lineItemId: '7397', shippedQuantity: 2 }] }] });
  });

  it('a v1 and a seed delivery of the same cancel make one fabric call', async () => {
    await json(await v1('order_cancel', { order: { channel_order_refnum: '496', retailops_order_id: 4897 } }));
    await sendFixture(stack.ingressUrl, seedFixture('000-orders-cancel'));
    await sendFixture(stack.ingressUrl, seedFixture('001-order-cancel'), { bearer: TEST_TOKEN });
    const cancels = (await ledger()).filter((call) => call.kind === 'cancel' && call.status === 200);
    expect(cancels).toHaveLength(1);
  });
});

describe('v1 order pull and acknowledge', () => {
  it('pulls the sandbox orders in v1 shape, pages with next_page_token, and acknowledges', async () => {
    for (let index = 0; index < 120; index += 1) {
      await stack.sandbox.createOrder({
        orderNumber: `V${index}`,
        createdAt: new Date(Date.UTC(2021, 0, 1, 0, 0, index)).toISOString(),
        currency: 'USD',
        customer: { name: { firstName: 'Pat', lastName: 'Lee' }, email: 'pat@example.com' },
        items: [{ sku: 'S1', itemName: 'Thing', itemUnitPrice: 12.5, orderedQuantity: 1 }],
        orderTotal: 12.5,
      });
    }
    const first = await eventually('all orders synced', async () => {
      const body = await json(await v1('order_pull', { page_token: '' }));
      return (body['orders'] as unknown[]).length === 100 && body['next_page_token'] !== '' ? body : undefined;
    });
    const firstOrders = first['orders'] as { channel_order_refnum: string }[];
    expect(firstOrders[0]).toMatchObject({
      channel_order_refnum: '496',
      channel_date_created: '2016-04-08T19:09:07.000Z',
      currency_code: 'USD',
      // The tax is on the item (unit_tax 0.07); the order-level tax_amt is only what the items leave out.
      currency_values: { shipping_amt: 0.25, tax_amt: 0, discount_amt: 0 },
      customer_info: { email_address: 'john@gudtech.com', full_name: 'John Smith' },
    });
    const second = await json(await v1('order_pull', { page_token: first['next_page_token'] }));
    const secondOrders = second['orders'] as { channel_order_refnum: string }[];
    expect(second['next_page_token']).toBe('');
    expect([...firstOrders, ...secondOrders].map((order) => order.channel_order_refnum)).toHaveLength(123);

    const acked = await json(await v1('order_acknowledge', { orders: [{ channel_order_refnum: '496', retailops_order_id: 4897 }, { channel_order_refnum: 'nope' }] }));
    expect(acked['events']).toEqual([
      expect.objectContaining({ event_type: 'warning', code: 'ORDER_NOT_FOUND', associations: [{ identifier_type: 'order_refnum', identifier: 'nope' }] }),
    ]);
    const after = await json(await v1('order_pull', {}));
    expect((after['orders'] as { channel_order_refnum: string }[]).map((order) => order.channel_order_refnum)).not.toContain('496');
    const specific = await json(await v1('order_pull', { specific_orders: [{ channel_refnum: '496' }] }));
    expect((specific['orders'] as { channel_order_refnum: string }[]).map((order) => order.channel_order_refnum)).toEqual(['496']);
    const calls = await ledger();
    expect(calls).toEqual([expect.objectContaining({ kind: 'update-attributes', body: expect.objectContaining({ attributes: expect.objectContaining({ retailopsOrderId: '4897' }) }) })]);
  });
});

describe('catalog and inventory actions', () => {
  it('catalog_get_config answers the channel configuration, with no warning', async () => {
    expect(await json(await v1('catalog_get_config', {}))).toEqual({ sku_fanout: 'no_fanout', events: [] });
  });

  it.each([
    ['catalog_push', 'ACTION_NOT_SUPPORTED'],
    // This stack configures no inventory mapping: a push cannot know which fabric location to set.
    ['inventory_push', 'INVENTORY_NOT_CONFIGURED'],
  ])('%s answers with a warning and enqueues nothing', async (action, code) => {
    const before = await jobCounts(stack);
    const body = await json(await v1(action, action === 'inventory_push' ? { inventory_updates: [{ sku: 'A', quantity_available: 1 }] } : {}));
    expect(body['events']).toEqual([expect.objectContaining({ event_type: 'warning', code })]);
    expect(await jobCounts(stack)).toEqual(before);
  });
});

describe('failure events on v1 routes', () => {
  it('a cancel that leaves a shipped line succeeds, and the next v1 response warns which line stayed', async () => {
    const cancel = () => v1('order_cancel', { order: { channel_order_refnum: '496', retailops_order_id: 4897 } });
    expect(await json(await cancel())).toEqual({ status: 'success', events: [] });
    await settled(stack);
    // The same delivery again is the same job (no second call); its answer carries what the first one left.
    const body = await json(await cancel());
    expect(body['events']).toEqual([
      {
        event_type: 'warning',
        code: 'ORDER_PARTIALLY_CANCELLED',
        message: 'Order 496 was cancelled except these lines, which fabric kept: line 7395 (sku 53, 1 shipped)',
        diagnostic_data: expect.any(String),
        associations: [
          { identifier_type: 'order_refnum', identifier: '496' },
          { identifier_type: 'sku_number', identifier: '53' },
          { identifier_type: 'orderitem_refnum', identifier: '7395' },
        ],
      },
    ]);
    expect((await ledger()).filter((call) => call.kind === 'cancel')).toHaveLength(1);
  });

  it('a failed v1 cancel is a v1 event in the next v1 response', async () => {
    await json(await v1('order_cancel', { order: { channel_order_refnum: '999' } }));
    await settled(stack);
    const body = await json(await v1('order_cancel', { order: { channel_order_refnum: '498' } }));
    expect(body['events']).toEqual([
      { event_type: 'error', code: 'ORDER_NOT_FOUND', message: 'Order 999 does not exist in fabric', diagnostic_data: expect.any(String), associations: [{ identifier_type: 'order_refnum', identifier: '999' }] },
    ]);
  });
});
