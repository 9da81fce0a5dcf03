import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { eventually, settled, startStack, TEST_TOKEN, type Stack } from '../harness/stack.js';
import { seedFixture, seedFixtures, sendFixture } from '../harness/http.js';

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

async function mutatingCalls() {
  return (await stack.sandbox.calls()).map((call) => ({ kind: call.kind, path: call.path, status: call.status, body: call.body }));
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
      payment: [{ type: 'charge', amount: '121.32', params: { channel_refnum: '496', payment_type: 'VISA' } }],
    });
    expect(order?.['items']).toContainEqual({ channel_refnum: '496', sku: '299', sku_title: 'test', quantity: 1, unit_price: '1', unit_tax: '0.07' });
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
    expect(calls[1]?.body).toMatchObject({ items: [{ lineItemId: '496', quantity: 1 }] });
  });

  it.each(['000-orders-cancel', '001-order-cancel'])('%s cancels order 496 once', async (name) => {
    await sendFixture(stack.ingressUrl, seedFixture(name), needsBearer(name) ? { bearer: TEST_TOKEN } : {});
    await settled(stack);
    const calls = await mutatingCalls();
    expect(calls).toEqual([
      { kind: 'cancel', path: '/v3/orders/order-number/496/actions/cancel', status: 200, body: expect.objectContaining({ reasonCode: 'RETAILOPS_CANCEL' }) },
    ]);
    expect(calls[0]?.body).not.toHaveProperty('items');
  });

  it('order update lowers sku 132 from 3 to 2 with an item-level cancel', async () => {
    await sendFixture(stack.ingressUrl, seedFixture('002-order-update'), { bearer: TEST_TOKEN });
    await settled(stack);
    const calls = await mutatingCalls();
    expect(calls).toHaveLength(1);
    expect(calls[0]).toMatchObject({ kind: 'cancel', status: 200, body: { items: [{ lineItemId: '7397', quantity: 1 }] } });
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
      body: { totalRefundAmount: 30, attributes: { retailopsReturnId: '87' }, items: [{ orderLineItemId: '7395', quantity: 1, returnType: 'RECEIVED' }] },
    });
  });
});
