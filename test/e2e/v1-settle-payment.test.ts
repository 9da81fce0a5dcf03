import type { Job } from 'bullmq';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { postJson, v1Request } from '../harness/http.js';
import { settled, startStack, type Stack } from '../harness/stack.js';

/**
 * order_settle_payment_v1 end to end (ingress, Redis, workers, sandbox): fabric captures on its own, so the job reads
 * the order's payment state from the sandbox and only a mismatch reaches RetailOPS, as an event in a later response.
 */
let stack: Stack;

beforeAll(async () => {
  stack = await startStack();
});
afterAll(async () => stack?.close());
beforeEach(async () => stack.reset());

async function v1(action: string, fields: Record<string, unknown>): Promise<Record<string, unknown>> {
  const response = await postJson(stack.ingressUrl, `/api/channel/${action}_v1`, v1Request(action, fields));
  expect(response.status).toBe(200);
  return (await response.json()) as Record<string, unknown>;
}

/** A settle as RetailOPS sends it: amounts as JSON numbers, one channel charge. */
const settle = (refnum: string, amount: number, currency = 'USD') =>
  v1('order_settle_payment', {
    order: { channel_order_refnum: refnum, retailops_order_id: 4897, grand_total: amount },
    payment: {
      currency_code: currency,
      payment_series_id: 2572,
      payment_transactions: [{ payment_processing_type: 'channel_payment', transaction_type: 'charge', payment_type: 'Visa', amount }],
    },
  });

/** The next response's events, once the jobs ran: any v1 call answers the caller's pending ones (a pull adds none). */
async function nextEvents(): Promise<Record<string, unknown>[]> {
  await settled(stack);
  return (await v1('order_pull', {}))['events'] as Record<string, unknown>[];
}

async function settleJobs(state: 'completed' | 'failed'): Promise<Job[]> {
  return (await stack.queues.order.getJobs([state])).filter((job) => (job.data as { kind: string }).kind === 'order.settle');
}

/** Reads of the order the workers sent to the sandbox (fabric's get-order-by-number). */
async function orderReads(refnum: string): Promise<number> {
  const exchanges = await stack.sandbox.contractExchanges();
  return exchanges.filter((exchange) => exchange.operation === 'GET /orders/order-number/{orderNumber}' && exchange.path === `/v3/orders/order-number/${refnum}`).length;
}

/** An order fabric holds authorised and not yet captured (fabric captures at shipment). */
async function authorisedOnlyOrder(orderNumber: string) {
  return stack.sandbox.createOrder({
    orderNumber,
    currency: 'USD',
    items: [{ sku: 'S1', itemName: 'Thing', itemUnitPrice: 40.1, orderedQuantity: 1 }],
    orderTotal: 40.1,
    payments: [{ paymentCounter: 1, paymentMethod: 'CREDIT_CARD', currency: 'USD', authorizedAmount: 40.1, chargedAmount: 0, paymentStatus: 'Authorized' }],
  });
}

describe('order_settle_payment_v1', () => {
  it('a settled order: no event, the job reads fabric and ends "settled", nothing changes in fabric', async () => {
    const readsBefore = await orderReads('496');
    // Demo order 496 was captured at checkout: 121.32 USD.
    expect(await settle('496', 121.32)).toEqual({ events: [] });
    expect(await nextEvents()).toEqual([]);
    const [job] = await settleJobs('completed');
    expect(job?.returnvalue).toMatchObject({ outcome: 'settled', fabricCalls: 1 });
    expect(job?.data).toMatchObject({ payload: { refnum: '496', amount: '121.32', amountFrom: 'payment_transactions', currency: 'USD' } });
    expect(await orderReads('496')).toBe(readsBefore + 1);
    expect(await stack.sandbox.calls()).toEqual([]);
  });

  it('not captured: the next response carries PAYMENT_NOT_CAPTURED; once fabric captured, a retry of the job settles', async () => {
    await authorisedOnlyOrder('SETTLE-1');
    expect(await settle('SETTLE-1', 40.1)).toEqual({ events: [] });
    const events = await nextEvents();
    expect(events).toEqual([
      {
        event_type: 'error',
        code: 'PAYMENT_NOT_CAPTURED',
        message: 'RetailOPS wants 40.10 USD settled on order SETTLE-1; fabric has captured nothing (40.10 authorized), status ORDER_CREATED',
        diagnostic_data: expect.any(String),
        associations: [{ identifier_type: 'order_refnum', identifier: 'SETTLE-1' }],
      },
    ]);
    const diagnostic = JSON.parse(String(events[0]?.['diagnostic_data'])) as Record<string, unknown>;
    expect(diagnostic).toMatchObject({
      wanted: { amount: '40.10', currency: 'USD', from: 'payment_transactions' },
      fabric: { captured: '0.00', authorized: '40.10', payments: [{ charged: '0.00', paymentStatus: 'Authorized' }] },
    });

    // fabric's Invoice service captures at shipment, outside the bridge: the sandbox's stand-in is the replace hook.
    const order = await stack.sandbox.getOrder('SETTLE-1');
    if (!order) throw new Error('SETTLE-1 is gone');
    const [payment] = order.payments;
    await stack.sandbox.replaceOrder({ ...order, payments: [{ ...payment, chargedAmount: 40.1, paidAt: '2026-01-02T10:00:00Z', paymentStatus: 'Paid' }] });
    const [failed] = await settleJobs('failed');
    expect(failed?.failedReason).toMatch(/^PAYMENT_NOT_CAPTURED: /);
    await failed?.retry('failed', { resetAttemptsMade: true, resetAttemptsStarted: true });
    await settled(stack);
    const [done] = await settleJobs('completed');
    expect(done?.returnvalue).toMatchObject({ outcome: 'settled' });
    expect(await nextEvents()).toEqual([]);
  });

  it('an amount off by a cent, another currency, an order fabric does not have: one event each', async () => {
    // A job may finish before the next request: its event then rides on that response.
    const events: Record<string, unknown>[] = [];
    for (const answer of [await settle('496', 121.31), await settle('498', 77.77, 'CAD'), await settle('999', 10)]) {
      events.push(...(answer['events'] as Record<string, unknown>[]));
    }
    events.push(...(await nextEvents()));
    expect(events.map((event) => [event['event_type'], event['code'], event['associations']])).toEqual(
      expect.arrayContaining([
        ['error', 'PAYMENT_AMOUNT_MISMATCH', [{ identifier_type: 'order_refnum', identifier: '496' }]],
        ['error', 'PAYMENT_CURRENCY_MISMATCH', [{ identifier_type: 'order_refnum', identifier: '498' }]],
        ['error', 'ORDER_NOT_FOUND', [{ identifier_type: 'order_refnum', identifier: '999' }]],
      ]),
    );
    expect(events).toHaveLength(3);
    expect(events.find((event) => event['code'] === 'PAYMENT_AMOUNT_MISMATCH')?.['message']).toBe(
      'RetailOPS wants 121.31 USD settled on order 496; fabric captured 121.32, 0.01 more',
    );
  });

  it('runs in the order’s lane: after the shipment RetailOPS sent before it', async () => {
    const since = Math.max(0, ...(await stack.sandbox.contractExchanges()).map((exchange) => exchange.seq));
    await v1('order_shipment_submit', {
      channel_order_refnum: '497',
      shipment: { retailops_shipment_id: 7001, packages: [{ retailops_package_id: 1, carrier_name: 'UPS', tracking_number: '1Z7', package_items: [{ sku: '299', channel_item_refnum: '7401', quantity: 2 }] }] },
    });
    // Order 497: 2 × 1.00 + 0.14 tax + 5.00 shipping, captured at checkout.
    await settle('497', 7.14);
    expect(await nextEvents()).toEqual([]);
    const [settlement] = await settleJobs('completed');
    expect(settlement?.returnvalue).toMatchObject({ outcome: 'settled' });
    // The settle's read of order 497 is the last call on it, after the shipment was created.
    const calls = (await stack.sandbox.contractExchanges()).filter((exchange) => exchange.seq > since);
    const seqOf = (operation: string) => calls.filter((exchange) => exchange.operation === operation).map((exchange) => exchange.seq);
    const [created] = seqOf('POST /shipments/create-order-shipment');
    expect(Math.max(...seqOf('GET /orders/order-number/{orderNumber}'))).toBeGreaterThan(created ?? Number.POSITIVE_INFINITY);
    expect((await stack.sandbox.calls()).map((call) => [call.kind, call.status])).toEqual([['shipment', 201]]);
  });

  it('a request naming no amount is a 400 and enqueues nothing', async () => {
    const response = await postJson(stack.ingressUrl, '/order_settle_payment_v1', v1Request('order_settle_payment', { order: { channel_order_refnum: '496' } }));
    expect(response.status).toBe(400);
    expect(((await response.json()) as { issues: { path: string }[] }).issues.map((issue) => issue.path)).toEqual(['payment.payment_transactions']);
    expect(await stack.queues.order.getJobs(['waiting', 'active', 'delayed', 'completed', 'failed'])).not.toContainEqual(
      expect.objectContaining({ data: expect.objectContaining({ kind: 'order.settle' }) }),
    );
  });
});
