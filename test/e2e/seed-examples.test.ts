import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { eventually, settled, startStack, TEST_TOKEN, type Stack } from '../harness/stack.js';
import { contractProblems } from '../harness/fabric-contract.js';
import { fixtureBody, postJson, seedFixture, seedFixtures, sendFixture } from '../harness/http.js';

/**
 * Every seed curl example, sent as written (the seeds' own ticket for seed 000, a Bearer token where the example has
 * none), is accepted, and produces exactly the fabric calls it should (the sandbox ledger).
 */
let stack: Stack;

beforeAll(async () => {
  stack = await startStack();
});
afterAll(async () => stack?.close());
beforeEach(async () => stack.reset());

const needsBearer = (name: string) => !name.startsWith('000-');

/** The ledger's calls; each body must carry every field fabric's OpenAPI requires of that call. */
async function mutatingCalls() {
  const calls = (await stack.sandbox.calls()).map((call) => ({ kind: call.kind, path: call.path, status: call.status, body: call.body }));
  for (const call of calls) expect(contractProblems(call.kind, call.body), `${call.kind} ${call.path}`).toEqual([]);
  return calls;
}

async function inboxHolds(refnum: string): Promise<void> {
  await eventually(`order ${refnum} in the inbox`, async () => {
    const response = await sendFixture(stack.ingressUrl, seedFixture('000-order-fetch'));
    const body = (await response.json()) as { orders: { channel_refnum: string }[] };
    return body.orders.some((order) => order.channel_refnum === refnum) ? true : undefined;
  });
}

describe('seed curl examples', () => {
  it.each(seedFixtures().map((fixture) => [fixture.name, fixture] as const))('%s answers 200 with events', async (name, fixture) => {
    const response = await sendFixture(stack.ingressUrl, fixture, needsBearer(name) ? { bearer: TEST_TOKEN } : {});
    expect(response.status).toBe(200);
    const body = (await response.json()) as { events: unknown[] };
    expect(Array.isArray(body.events)).toBe(true);
  });

  it('order fetch returns order 496 in the seed Order format', async () => {
    await inboxHolds('496');
    const response = await sendFixture(stack.ingressUrl, seedFixture('000-order-fetch'));
    const body = (await response.json()) as { next_page_state: number; next_order_refnum: number; orders: Record<string, unknown>[] };
    const order = body.orders.find((candidate) => candidate['channel_refnum'] === '496');
    expect(body.next_page_state).toBe(0);
    expect(order).toMatchObject({
      channel_refnum: '496',
      channel_date_created: 1460142547,
      calc_mode: 'order',
      shipping_amt: '0.25',
      tax_amt: '0.07',
      gift_message: 'Happy Birthday',
      ip_address: '68.7.2.222',
      shipcode: 'Ground (5-7 days)',
      customer: { email_address: 'john@gudtech.com', phone_number: '5555555555', first_name: 'John', last_name: 'Smith' },
      ship_addr: { address1: '123 Main St', address2: 'suite 100', city: 'San Diego', state_match: 'CA', postal_code: '92101', country_match: 'US United States', company: 'gudTECH' },
      payment: [{ type: 'charge', amount: '121.32', params: { channel_refnum: '496', payment_type: 'VISA', payment_method: 'CREDIT_CARD' } }],
    });
    expect(order?.['items']).toContainEqual({ channel_refnum: '496', sku: '299', sku_title: 'test', quantity: 1, unit_price: '1.00', unit_tax: '0.07' });
    expect(typeof order?.['grand_total']).toBe('string');
  });

  it('order_ack records the acknowledgement in fabric and removes the order from fetch', async () => {
    await inboxHolds('496');
    const response = await sendFixture(stack.ingressUrl, seedFixture('000-order-ack'));
    expect(response.status).toBe(200);
    await settled(stack);
    const calls = await mutatingCalls();
    expect(calls).toHaveLength(1);
    expect(calls[0]).toMatchObject({ kind: 'update-attributes', path: '/v3/orders/order-number/496/actions/update-attributes', status: 200 });
    expect(calls[0]?.body).toMatchObject({ attributes: { retailopsAcknowledged: 'true' } });
    const fetched = (await (await sendFixture(stack.ingressUrl, seedFixture('000-order-fetch'))).json()) as { orders: { channel_refnum: string }[] };
    expect(fetched.orders.map((order) => order.channel_refnum)).not.toContain('496');
  });

  it('order complete ships the package and cancels the unshipped item', async () => {
    await sendFixture(stack.ingressUrl, seedFixture('000-order-complete'));
    await settled(stack);
    const calls = await mutatingCalls();
    expect(calls.map((call) => [call.kind, call.status])).toEqual([
      ['shipment', 201],
      ['cancel', 200],
    ]);
    expect(calls[0]?.body).toMatchObject({
      shipmentNumber: 'RO-100000084-370',
      shippedAt: '2016-04-08T21:13:11Z',
      cartons: [{ shipmentCarrier: 'WillCall', trackingNumber: 'ZX29827782929', items: [{ lineItemId: '7397', shippedQuantity: 3, orderNumber: '496', sku: '132' }] }],
    });
    // The unshipped line is cancelled as fabric's orderCancelLineItem requires: the line, its unit, the quantity.
    expect(calls[1]?.body).toMatchObject({ items: [{ lineItemId: '496', itemUnitNumber: 1, quantity: 1, reasonCode: 'RETAILOPS_UNSHIPPED' }] });
  });

  it.each(['000-orders-cancel', '001-order-cancel'])('%s cancels order 496 once, and warns that shipped line 7395 stays', async (name) => {
    const options = needsBearer(name) ? { bearer: TEST_TOKEN } : {};
    await sendFixture(stack.ingressUrl, seedFixture(name), options);
    await settled(stack);
    const calls = await mutatingCalls();
    expect(calls).toEqual([
      { kind: 'cancel', path: '/v3/orders/order-number/496/actions/cancel', status: 200, body: expect.objectContaining({ reasonCode: 'RETAILOPS_CANCEL' }) },
    ]);
    expect(calls[0]?.body).not.toHaveProperty('items');
    // The job succeeded; the next answer tells RetailOPS what could not be cancelled, in the route's dialect.
    const events = ((await (await sendFixture(stack.ingressUrl, seedFixture(name), options)).json()) as { events: unknown[] }).events;
    const warning =
      name === '000-orders-cancel'
        ? {
            handle: 'channel_order_cancel_warning',
            secondary: { id: '496', concept: 'order' },
            data: expect.objectContaining({ is_failure: 0, code: 'ORDER_PARTIALLY_CANCELLED', message: expect.stringContaining('line 7395 (sku 53, 1 shipped)') }),
          }
        : {
            status: 'warning',
            error_code: 'ORDER_PARTIALLY_CANCELLED',
            error_message: expect.stringContaining('line 7395 (sku 53, 1 shipped)'),
            diagnostic_data: expect.any(Array),
            associations: [
              { type: 'order', identity: '496' },
              { type: 'sku', identity: '53' },
              { type: 'orderitem_refnum', identity: '7395' },
            ],
          };
    expect(events).toEqual([warning]);
    expect(await mutatingCalls()).toHaveLength(1);
  });

  // A lost answer's retry, or RetailOPS asking again, finds the bridge's own cancel on the lines (fabric's
  // items[].cancellations): done, with the warning again, rather than ORDER_NOT_CANCELLABLE for a cancel that worked.
  it('a second cancel of 496 (a new job) finds RetailOPS\' own cancel: no second call, no failure, the warning again', async () => {
    const body = fixtureBody(seedFixture('001-order-cancel'));
    await postJson(stack.ingressUrl, '/order_cancel', body, { bearer: TEST_TOKEN });
    await settled(stack);
    const again = { ...body, headers: { client_id: 600 } };
    await postJson(stack.ingressUrl, '/order_cancel', again, { bearer: TEST_TOKEN });
    await settled(stack);
    expect((await mutatingCalls()).filter((call) => call.kind === 'cancel')).toHaveLength(1);
    expect(await stack.queues.cancel.getFailedCount()).toBe(0);
    const order = await stack.sandbox.getOrder('496');
    expect(order?.items.find((item) => item.lineItemId === '7397')?.cancellations).toEqual([
      { cancellationCounter: '1', quantity: 3, reasonCode: 'RETAILOPS_CANCEL', source: 'RetailOPS', status: 'COMPLETED' },
    ]);
    const events = ((await (await postJson(stack.ingressUrl, '/order_cancel', again, { bearer: TEST_TOKEN })).json()) as { events: unknown[] }).events;
    expect(events).toEqual([expect.objectContaining({ status: 'warning', error_code: 'ORDER_PARTIALLY_CANCELLED' })]);
  });

  it('order update lowers sku 132 from 3 to 2 with an item-level cancel', async () => {
    await sendFixture(stack.ingressUrl, seedFixture('002-order-update'), { bearer: TEST_TOKEN });
    await settled(stack);
    const calls = await mutatingCalls();
    expect(calls).toHaveLength(1);
    // Units 1-3 of line 7397: going from 3 to 2 cancels unit 3.
    expect(calls[0]).toMatchObject({ kind: 'cancel', status: 200, body: { items: [{ lineItemId: '7397', itemUnitNumber: 3, quantity: 1, reasonCode: 'RETAILOPS_UPDATE' }] } });
  });

  it('order returned submits the return of sku 53 with the RetailOPS return id', async () => {
    await sendFixture(stack.ingressUrl, seedFixture('004-order-returned'), { bearer: TEST_TOKEN });
    await settled(stack);
    const calls = await mutatingCalls();
    expect(calls).toHaveLength(1);
    expect(calls[0]).toMatchObject({
      kind: 'return',
      path: '/v3/orders/order-number/496/actions/submit-return-request',
      status: 201,
      body: { totalRefundAmount: 30, attributes: { retailopsReturnId: { id: '87' } }, items: [{ orderLineItemId: '7395', quantity: 1, returnType: 'RECEIVED' }] },
    });
    // The unit comes back from the shipment line fabric's Shipments API shows it went out on.
    const shipped = (await stack.sandbox.getOrder('496'))?.shipments[0];
    expect(calls[0]?.body).toMatchObject({
      items: [{ scannedAt: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T/), shipmentId: shipped?.shipmentId, shipmentLineId: shipped?.cartons[0]?.items[0]?.shipmentLineItemId }],
    });
  });
});
