import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { SkippedBindingReport } from '../../scripts/ops/sync-skipped.js';
import { ops } from '../ops/helpers.js';
import { postJson, v1Request } from '../harness/http.js';
import { eventually, settled, startStack, SEED_EXAMPLE_TICKET, TEST_TOKEN, type Stack } from '../harness/stack.js';

/**
 * Issue 11: seed 003's fabric order (test/fixtures/fabric-seed, see its README) through both dialects. fabric's example
 * does not add up (its line is 500.00 of goods, its orderSubtotal 123.45, its orderTotal leaves shipping out, its
 * payment authorises 123.20 of 146.90), so as it stands it is withheld; the copy whose order-level totals are
 * recomputed from its own lines comes out of GET /orders and order_pull_v1 with every amount matching fabric's.
 */
const example = JSON.parse(readFileSync(join(import.meta.dirname, '..', 'fixtures', 'fabric-seed', '003-order-example.json'), 'utf8')) as Record<string, unknown> & {
  orderNumber: string;
  items: Record<string, unknown>[];
  payments: Record<string, unknown>[];
};

/**
 * Every line, ship-to and payment figure as fabric's example has it; the order-level totals as fabric's spec defines
 * them from those (orderSubtotal = Σ itemSubtotal, orderDiscount = Σ itemDiscountsTotal + the order's 1.23, taxTotal =
 * Σ itemTaxTotal + shipToTaxTotal, feeTotal = Σ itemFeeTotal), shipping added to the total, and the payment authorised
 * for the total, of which 60.00 is captured as in the example.
 */
function reconcilingCopy(): Record<string, unknown> & { orderNumber: string } {
  const [item] = example.items;
  const [payment] = example.payments;
  return {
    ...example,
    orderNumber: 'S003-FIXED',
    orderId: '5349b4ddd2781d08c0989003',
    items: [{ ...item, itemSubtotal: 500, itemTotal: 700 }],
    orderSubtotal: 500,
    orderDiscount: 81.23,
    taxTotal: 92.6,
    feeTotal: 200,
    orderTotal: 718.77,
    payments: [{ ...payment, authorizedAmount: 718.77 }],
  };
}

let stack: Stack;

beforeAll(async () => {
  // fabric's own example breaks fabric's own schema in two places (`payments[].paymentLogs[].data.body.errors[].key`
  // is a string where the schema wants an object; `retail.locationNumber` is a number where it wants a string). It is
  // inserted as published through the raw hook, and the sandbox's search answers carrying it are not held to the
  // contract in this file (the stack's close() would fail on those two fields alone).
  stack = await startStack({ failOnContractViolations: false });
});
afterAll(async () => stack?.close());
beforeEach(async () => {
  delivered.length = 0;
  await stack.reset();
});

async function seedOrders(): Promise<Record<string, unknown>[]> {
  const query = new URLSearchParams({ 'headers[client_id]': '497', 'headers[ticket]': SEED_EXAMPLE_TICKET, 'data[channel][id]': '21', 'data[max_page_size]': '100' });
  const response = await fetch(`${stack.ingressUrl}/orders?${query.toString()}`);
  expect(response.status).toBe(200);
  const body = (await response.json()) as { orders: Record<string, unknown>[]; events: { handle: string; secondary: { id: string }; data: { code: string } }[] };
  delivered.push(...body.events.map((event) => ({ code: event.data.code, handle: event.handle, order: event.secondary.id })));
  return body.orders;
}

/** Events the seed fetches above carried (a response delivers, and so removes, its client's pending events). */
const delivered: { code: string; handle: string; order: string }[] = [];

async function v1Orders(): Promise<Record<string, unknown>[]> {
  const response = await postJson(stack.ingressUrl, '/api/channel/order_pull_v1', v1Request('order_pull'));
  expect(response.status).toBe(200);
  return ((await response.json()) as { orders: Record<string, unknown>[] }).orders;
}

describe("seed 003's fabric order", () => {
  it('as fabric publishes it, is withheld: not offered, listed with its reasons', async () => {
    await stack.sandbox.insertRawOrder({ ...example });
    const skipped = await eventually('the example to be withheld', async () => {
      await seedOrders();
      await settled(stack);
      const run = await ops(stack, ['sync', 'skipped', '--json']);
      return run.json<{ bindings: SkippedBindingReport[] }>().bindings[0]?.skipped.find((record) => record.orderNumber === '309019176');
    });
    expect(skipped.reason).toContain("not fabric's orderTotal 146.90");
    expect(skipped.reason).toContain('payments authorise 123.20');
    // RetailOPS is told once, as a warning event, in the scope of the sync that met the order: delivered by a fetch
    // already (the fetch's own sync met it), or still pending (a scheduled sync met it).
    const { scopes } = (await ops(stack, ['events', 'list', '--json'])).json<{ scopes: { clientId: string; channelId: string }[] }>();
    const withheld = delivered.filter((event) => event.code === 'ORDER_WITHHELD').map((event) => ({ handle: event.handle, order: event.order }));
    for (const scope of scopes) {
      const listed = await ops(stack, ['events', 'list', '--client', scope.clientId, '--channel', scope.channelId, '--json']);
      for (const event of listed.json<{ events: { code: string; action: string; severity: string; associations: { id: string }[] }[] }>().events) {
        if (event.code === 'ORDER_WITHHELD') withheld.push({ handle: `channel_${event.action}_${event.severity}`, order: event.associations[0]?.id ?? '' });
      }
    }
    expect(withheld).toEqual([{ handle: 'channel_order_fetch_warning', order: '309019176' }]);
    expect((await seedOrders()).map((order) => order['channel_refnum'])).not.toContain('309019176');
    expect((await v1Orders()).map((order) => order['channel_order_refnum'])).not.toContain('309019176');
  });

  it('made consistent, comes out of both dialects with every amount fabric holds, the gift message as text, payments as authorised and captured', async () => {
    await stack.sandbox.insertRawOrder(reconcilingCopy());
    const seed = await eventually('the copy to be offered', async () => (await seedOrders()).find((order) => order['channel_refnum'] === 'S003-FIXED'));
    const address = {
      first_name: 'Alex',
      last_name: 'Doe',
      company: 'Demo Inc',
      address1: '123 Main St.',
      address2: 'Suite 100, Seventh floor, Attention: Pat E. Kake',
      city: 'Seattle',
      state_match: 'WA',
      postal_code: '98121',
      country_match: 'US United States',
    };
    expect(seed).toEqual({
      channel_refnum: 'S003-FIXED',
      channel_date_created: 1652347831,
      calc_mode: 'order',
      grand_total: '718.77',
      shipping_amt: '20.00',
      tax_amt: '92.60',
      discount_amt: '93.83',
      gift_message: '',
      ip_address: '',
      shipcode: 'Parcel post delivery',
      bill_addr: address,
      ship_addr: address,
      customer: { email_address: 'test@example.com', phone_number: '123-456-7890', first_name: 'Alex', last_name: 'Doe' },
      payment: [
        { type: 'charge', amount: '60.00', params: { channel_refnum: 'S003-FIXED', payment_type: 'VISA', payment_method: 'CREDIT_CARD' } },
        { type: 'auth', amount: '658.77', params: { channel_refnum: 'S003-FIXED', payment_type: 'VISA', payment_method: 'CREDIT_CARD' } },
      ],
      items: [{ channel_refnum: 'd538b1f1-0e45-43c6-bfc6-9666fc1188ca', sku: 'P1234', sku_title: 'Item', quantity: 50, unit_price: '10.00', unit_tax: '1.60' }],
      attributes: { fabric_order_id: '5349b4ddd2781d08c0989003', currency: 'USD', fabric_fee_total: '200.00', fabric_status: 'ORDER_CREATED' },
    });

    const v1 = (await v1Orders()).find((order) => order['channel_order_refnum'] === 'S003-FIXED');
    const v1Address = { ...address, phone_number: '123-456-7890' };
    expect(v1).toEqual({
      channel_order_refnum: 'S003-FIXED',
      channel_date_created: '2022-05-12T09:30:31.198Z',
      currency_code: 'USD',
      // What the item values leave out: the shipping, the shipping tax, and the order's own and shipping discounts.
      currency_values: { shipping_amt: 20, tax_amt: 12.6, discount_amt: 13.83 },
      cancel: false,
      ship_service_code: 'Parcel post delivery',
      billing_address: v1Address,
      shipping_address: v1Address,
      customer_info: { email_address: 'test@example.com', full_name: 'Alex Doe', phone_number: '123-456-7890' },
      ip_address: '',
      payment_transactions: [
        { payment_processing_type: 'channel_payment', transaction_type: 'charge', payment_type: 'VISA', amount: 60, message: 'fabric CREDIT_CARD via stripe' },
        { payment_processing_type: 'channel_payment', transaction_type: 'auth', payment_type: 'VISA', amount: 658.77, message: 'fabric CREDIT_CARD via stripe' },
      ],
      order_items: [
        {
          channel_item_refnum: 'd538b1f1-0e45-43c6-bfc6-9666fc1188ca',
          sku: 'P1234',
          sku_description: 'Item',
          quantity: 50,
          item_type: 'ship',
          currency_values: { unit_price: 10, unit_tax: 1.6, discount_amt: 80, recycling_amt: 200 },
        },
      ],
      attributes: [{ attribute_type: 'text', handle: 'fabric_order_id', value: '5349b4ddd2781d08c0989003' }],
      tags: [],
    });
  });
});
