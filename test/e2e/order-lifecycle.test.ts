import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { SandboxOrderInput, StoredOrder } from '../../sandbox/client.js';
import { postJson, v1Request } from '../harness/http.js';
import { eventually, settled, startStack, SEED_EXAMPLE_TICKET, TEST_TOKEN, type Stack } from '../harness/stack.js';

/**
 * The order lifecycle as RetailOPS sees it through order fetch: fabric's holds (offered once released), cancels and
 * changes before acknowledgement, and re-fetches answered from fabric's current order (workers/order/sync-orders.ts,
 * ingress/current-orders.ts).
 */
let stack: Stack;

beforeAll(async () => {
  stack = await startStack();
});
afterAll(async () => stack?.close());
beforeEach(async () => stack.reset());

interface SeedOrder {
  channel_refnum: string;
  customer: { email_address: string };
  items: { sku: string; quantity: number }[];
  attributes: Record<string, string>;
}

interface FetchBody {
  next_page_state: number;
  orders: SeedOrder[];
}

async function fetchOrders(params: Record<string, string> = {}): Promise<FetchBody> {
  const query = new URLSearchParams({
    'headers[client_id]': '497',
    'headers[ticket]': SEED_EXAMPLE_TICKET,
    'data[channel][id]': '21',
    'data[max_page_size]': '100',
    ...params,
  });
  const response = await fetch(`${stack.ingressUrl}/orders?${query.toString()}`);
  expect(response.status).toBe(200);
  return (await response.json()) as FetchBody;
}

/** A single-order fetch: asks for a sync like any fetch, but returns no page, so it offers nothing new. */
const fetchSingle = (refnum: string) => fetchOrders({ 'data[single]': '1', 'data[order][channel_refnum]': refnum });

const refnums = (body: FetchBody) => body.orders.map((order) => order.channel_refnum);
const inbox = (name: string) => `${stack.config.queuePrefix}:inbox:default:${name}`;

function order(orderNumber: string, second: number, extra: Partial<SandboxOrderInput> = {}): SandboxOrderInput {
  return {
    orderNumber,
    createdAt: new Date(Date.UTC(2020, 0, 1, 0, 0, second)).toISOString(),
    customer: { name: { firstName: 'Test', lastName: orderNumber }, email: `${orderNumber.toLowerCase()}@example.com` },
    items: [{ sku: 'SKU-1', itemName: 'Thing', itemUnitPrice: 10.1, orderedQuantity: 2 }],
    ...extra,
  };
}

/** A change made in fabric outside the bridge (customer service), through the sandbox's replace hook. */
async function changeInFabric(orderNumber: string, change: (order: StoredOrder) => void): Promise<void> {
  const current = await stack.sandbox.getOrder(orderNumber);
  if (!current) throw new Error(`no order ${orderNumber}`);
  change(current);
  current.version += 1;
  await stack.sandbox.replaceOrder(current);
}

function cancelAll(order: StoredOrder): void {
  for (const item of order.items) item.cancelledQuantity = item.orderedQuantity - item.shippedQuantity;
  order.statusCode = 'ORDER_CANCELLED';
}

/** Runs syncs (each fetch asks for one) until `done` holds; settled first, so a sync already running is over. */
async function afterSyncs<T>(what: string, done: () => Promise<T | undefined>): Promise<T> {
  return eventually(what, async () => {
    await settled(stack);
    await fetchSingle('496');
    await settled(stack);
    return done();
  });
}

describe('fabric holds', () => {
  it('withholds orders on external or fraud hold, and offers each once fabric releases it', async () => {
    await stack.sandbox.createOrder(order('H-EXT', 1, { statusCode: 'ORDER_HOLD_EXTERNAL' }));
    await stack.sandbox.createOrder(order('H-FRAUD', 2, { statusCode: 'ORDER_HOLD_FRAUD' }));
    await stack.sandbox.createOrder(order('R-1', 3));
    // Created after the held ones: once it is offered, the sync has passed them.
    await eventually('R-1 to be offered', async () => (refnums(await fetchOrders()).includes('R-1') ? true : undefined));
    await settled(stack);
    expect(refnums(await fetchOrders())).toEqual(['496', '497', '498', 'R-1']);
    expect((await stack.redis.smembers(inbox('held'))).sort()).toEqual(['H-EXT', 'H-FRAUD']);
    // A single-order fetch does not reach a held order either.
    expect((await fetchSingle('H-FRAUD')).orders).toEqual([]);

    const released = await stack.sandbox.releaseOrder('H-FRAUD');
    expect(released).toMatchObject({ statusCode: 'ORDER_CREATED', orderReleasedAt: expect.any(String) });
    const offered = await eventually('H-FRAUD to be offered after release', async () => {
      const body = await fetchOrders();
      return refnums(body).includes('H-FRAUD') ? body : undefined;
    });
    expect(refnums(offered).filter((refnum) => refnum === 'H-FRAUD')).toHaveLength(1);
    expect(refnums(offered)).not.toContain('H-EXT');
    expect(await stack.redis.smembers(inbox('held'))).toEqual(['H-EXT']);

    // Acknowledged, it is not offered again by later syncs.
    const ack = new URLSearchParams({ 'headers[client_id]': '497', 'headers[ticket]': SEED_EXAMPLE_TICKET, 'data[channel][id]': '21', 'data[order][acks][]': 'H-FRAUD' });
    expect((await fetch(`${stack.ingressUrl}/orders/order_ack?${ack.toString()}`)).status).toBe(200);
    await stack.sandbox.releaseOrder('H-EXT');
    await afterSyncs('H-EXT to be offered', async () => (refnums(await fetchOrders()).includes('H-EXT') ? true : undefined));
    expect(refnums(await fetchOrders())).toEqual(['496', '497', '498', 'R-1', 'H-EXT']);
    expect(await stack.redis.scard(inbox('held'))).toBe(0);
  });

  it('never offers a held order fabric cancels instead of releasing (fraud-cancel)', async () => {
    await stack.sandbox.createOrder(order('H-BAD', 1, { statusCode: 'ORDER_HOLD_FRAUD' }));
    await afterSyncs('H-BAD to be held', async () => ((await stack.redis.sismember(inbox('held'), 'H-BAD')) === 1 ? true : undefined));
    await changeInFabric('H-BAD', cancelAll);
    await afterSyncs('H-BAD to leave the held set', async () => ((await stack.redis.sismember(inbox('held'), 'H-BAD')) === 0 ? true : undefined));
    expect(refnums(await fetchOrders())).not.toContain('H-BAD');
    expect(await stack.redis.hexists(inbox('orders'), 'H-BAD')).toBe(0);
  });
});

describe('cancels and changes before acknowledgement', () => {
  it('an order fabric cancels before any fetch returned it is not offered', async () => {
    await stack.sandbox.createOrder(order('C-1', 1));
    // Synced into the inbox without being offered: only single-order fetches run.
    await afterSyncs('C-1 to be synced', async () => ((await stack.redis.zscore(inbox('pending'), 'C-1')) !== null ? true : undefined));
    expect(await stack.redis.sismember(inbox('offered'), 'C-1')).toBe(0);
    await changeInFabric('C-1', cancelAll);
    await afterSyncs('C-1 to be withdrawn', async () => ((await stack.redis.zscore(inbox('pending'), 'C-1')) === null ? true : undefined));
    expect(refnums(await fetchOrders())).toEqual(['496', '497', '498']);
  });

  it('an order fabric cancels or changes after it was offered is offered again in its current state', async () => {
    await stack.sandbox.createOrder(order('C-2', 1));
    await stack.sandbox.createOrder(order('C-3', 2));
    const first = await eventually('C-2 and C-3 to be offered', async () => {
      const body = await fetchOrders();
      return refnums(body).includes('C-3') ? body : undefined;
    });
    expect(first.orders.find((o) => o.channel_refnum === 'C-2')).toMatchObject({ customer: { email_address: 'c-2@example.com' }, items: [{ sku: 'SKU-1', quantity: 2 }] });

    await changeInFabric('C-2', (current) => {
      current.customer = { ...current.customer, email: 'new-address@example.com' };
      const [item] = current.items;
      if (item) item.cancelledQuantity = 1;
      // fabric recalculates the totals of a cancel (orders spec: orderSubtotal, orderTotal "recalculated").
      current.orderSubtotal = 10.1;
      current.orderTotal = 10.1;
      current.statusCode = 'ORDER_PARTIALLY_CANCELLED';
    });
    await changeInFabric('C-3', cancelAll);
    const current = await afterSyncs('the changes to reach the inbox', async () => {
      const body = await fetchOrders();
      const c2 = body.orders.find((o) => o.channel_refnum === 'C-2');
      const c3 = body.orders.find((o) => o.channel_refnum === 'C-3');
      return c2?.customer.email_address === 'new-address@example.com' && c3?.attributes['fabric_status'] === 'ORDER_CANCELLED' ? { c2, c3 } : undefined;
    });
    expect(current.c2).toMatchObject({ items: [{ sku: 'SKU-1', quantity: 1 }], attributes: { fabric_status: 'ORDER_PARTIALLY_CANCELLED' } });
    // Still offered, so RetailOPS learns of the cancel; nothing left to ship.
    expect(current.c3.items).toEqual([]);
    expect(refnums(await fetchOrders())).toEqual(['496', '497', '498', 'C-2', 'C-3']);
  });
});

describe('re-fetches', () => {
  it('a single-order fetch and v1 specific_orders answer fabric\'s current order at once', async () => {
    await stack.sandbox.createOrder(order('F-1', 1));
    await eventually('F-1 to be offered', async () => (refnums(await fetchOrders()).includes('F-1') ? true : undefined));
    await settled(stack);
    // No sync runs between the change and the re-fetch: the answer can only come from fabric.
    await changeInFabric('F-1', (current) => {
      current.customer = { ...current.customer, email: 'changed@example.com' };
    });
    expect((await fetchSingle('F-1')).orders).toEqual([expect.objectContaining({ channel_refnum: 'F-1', customer: expect.objectContaining({ email_address: 'changed@example.com' }) })]);

    await settled(stack);
    await changeInFabric('F-1', cancelAll);
    const response = await postJson(stack.ingressUrl, '/api/channel/order_pull_v1', v1Request('order_pull', { specific_orders: [{ channel_refnum: 'F-1' }, { channel_refnum: 'unknown-order' }] }));
    expect(response.status).toBe(200);
    const body = (await response.json()) as { orders: { channel_order_refnum: string; cancel: boolean }[] };
    expect(body.orders).toEqual([expect.objectContaining({ channel_order_refnum: 'F-1', cancel: true })]);
  });

  it('an unknown order is not answered, even if fabric has it', async () => {
    await stack.sandbox.createOrder(order('H-2', 1, { statusCode: 'ORDER_HOLD_EXTERNAL' }));
    expect((await fetchSingle('H-2')).orders).toEqual([]);
    expect((await fetchSingle('nope')).orders).toEqual([]);
  });
});
