import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { eventually, settled, startStack, SEED_EXAMPLE_TICKET, type Stack } from '../harness/stack.js';

/** Order fetch pages through the inbox oldest first; ack removes orders atomically and records it in fabric. */
let stack: Stack;

beforeAll(async () => {
  stack = await startStack();
});
afterAll(async () => stack?.close());
beforeEach(async () => stack.reset());

interface FetchBody {
  next_page_state: number;
  next_order_refnum: number | string | null;
  orders: { channel_refnum: string }[];
  events: Record<string, unknown>[];
}

function credentials(): Record<string, string> {
  return { 'headers[client_id]': '497', 'headers[ticket]': SEED_EXAMPLE_TICKET, 'data[channel][id]': '21', action: 'testco.orderpull.order_fetch', version: '1' };
}

async function get(path: string, params: Record<string, string>, lists: Record<string, string[]> = {}): Promise<Response> {
  const query = new URLSearchParams({ ...credentials(), ...params });
  for (const [key, values] of Object.entries(lists)) for (const value of values) query.append(key, value);
  return fetch(`${stack.ingressUrl}${path}?${query.toString()}`);
}

async function fetchPage(params: Record<string, string> = {}): Promise<FetchBody> {
  const response = await get('/orders', params);
  expect(response.status).toBe(200);
  return (await response.json()) as FetchBody;
}

async function createOrders(count: number): Promise<string[]> {
  const numbers: string[] = [];
  for (let index = 0; index < count; index += 1) {
    const orderNumber = `T${1000 + index}`;
    numbers.push(orderNumber);
    await stack.sandbox.createOrder({
      orderNumber,
      createdAt: new Date(Date.UTC(2020, 0, 1, 0, 0, index)).toISOString(),
      currency: 'USD',
      customer: { name: { firstName: 'Test', lastName: `Customer ${index}` }, email: `c${index}@example.com` },
      items: [{ sku: 'SKU-1', itemName: 'Thing', itemUnitPrice: 10.1, orderedQuantity: 2 }],
      orderTotal: 20.2,
    });
  }
  return numbers;
}

async function syncedCount(expected: number): Promise<void> {
  await eventually(`${expected} orders in the inbox`, async () => {
    const page = await fetchPage({ 'data[max_page_size]': '100' });
    return page.orders.length >= expected ? true : undefined;
  });
}

describe('order fetch', () => {
  it('pages oldest first with page_state as the cursor', async () => {
    const created = await createOrders(57);
    await syncedCount(60);
    const seen: string[] = [];
    let state = 0;
    for (let page = 0; page < 10; page += 1) {
      const body = await fetchPage({ 'data[max_page_size]': '25', 'data[page_state]': String(state) });
      seen.push(...body.orders.map((order) => order.channel_refnum));
      expect(body.next_order_refnum).toEqual(body.orders.at(-1)?.channel_refnum.match(/^\d+$/) ? Number(body.orders.at(-1)?.channel_refnum) : body.orders.at(-1)?.channel_refnum);
      if (body.next_page_state === 0) break;
      state = body.next_page_state;
    }
    expect(seen).toEqual(['496', '497', '498', ...created]);
  });

  it('data[single]=1 returns the one order asked for', async () => {
    await syncedCount(3);
    const body = await fetchPage({ 'data[single]': '1', 'data[order][channel_refnum]': '497' });
    expect(body.orders.map((order) => order.channel_refnum)).toEqual(['497']);
  });

  it('each fetch asks for a sync: orders created later appear without waiting for the schedule', async () => {
    await syncedCount(3);
    await createOrders(2);
    await syncedCount(5);
  });
});

describe('order ack', () => {
  it('removes acknowledged orders from fetch, records them in fabric, warns on unknown refnums', async () => {
    await syncedCount(3);
    const response = await get('/orders/order_ack', {}, { 'data[order][acks][]': ['496', '497', '12345'] });
    expect(response.status).toBe(200);
    const body = (await response.json()) as { events: Record<string, unknown>[] };
    expect(body.events).toEqual([
      expect.objectContaining({ handle: 'channel_order_ack_warning', secondary: { id: '12345', concept: 'order' }, data: expect.objectContaining({ is_failure: 0, code: 'ORDER_NOT_FOUND' }) }),
    ]);
    const page = await fetchPage();
    expect(page.orders.map((order) => order.channel_refnum)).toEqual(['498']);
    await settled(stack);
    const calls = await stack.sandbox.calls();
    expect(calls.map((call) => [call.kind, call.orderNumber, call.status])).toEqual([
      ['update-attributes', '496', 200],
      ['update-attributes', '497', 200],
    ]);
    // A later sync does not offer acknowledged orders again.
    await createOrders(1);
    await syncedCount(2);
    expect((await fetchPage()).orders.map((order) => order.channel_refnum)).toEqual(['498', 'T1000']);
  });

  it('an order acknowledged longer than INBOX_RETENTION_DAYS ago leaves the inbox at the next sync, and stays gone', async () => {
    await syncedCount(3);
    expect((await get('/orders/order_ack', {}, { 'data[order][acks][]': ['496'] })).status).toBe(200);
    const inbox = `${stack.config.queuePrefix}:inbox:default`;
    expect(await stack.redis.zscore(`${inbox}:acked`, '496')).not.toBeNull();
    // Acknowledged in 1970: far past the default 90 days.
    await stack.redis.zadd(`${inbox}:acked`, 0, '496');
    // Each fetch asks for a sync (one already running when the score changed may have pruned before it).
    await eventually('a sync to drop order 496', async () => {
      await fetchPage();
      return (await stack.redis.hexists(`${inbox}:orders`, '496')) === 0 ? true : undefined;
    });
    expect((await fetchPage({ 'data[single]': '1', 'data[order][channel_refnum]': '496' })).orders).toEqual([]);
    expect(await stack.redis.hexists(`${inbox}:orders`, '497')).toBe(1);
    // fabric carries the acknowledgement, so later syncs do not offer it again.
    await settled(stack);
    await createOrders(1);
    await syncedCount(3);
    expect((await fetchPage()).orders.map((order) => order.channel_refnum)).toEqual(['497', '498', 'T1000']);
  });
});
