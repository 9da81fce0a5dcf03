import type { FastifyInstance } from 'fastify';
import { orderFetchRequest, type OrderFetchRequest } from '../../shared/retailops/seed-requests.js';
import type { ChannelOrder } from '../../shared/inbox/channel-order.js';
import { toSeedOrder } from '../../shared/retailops/render-seed-order.js';
import type { IngressDeps } from '../context.js';
import { currentOrders } from '../current-orders.js';
import { registerWebhook } from '../webhook.js';

const DEFAULT_PAGE_SIZE = 50;

function refnumValue(refnum: string): string | number {
  return /^\d{1,15}$/.test(refnum) ? Number(refnum) : refnum;
}

function pageState(input: OrderFetchRequest): number {
  const state = input.data.page_state;
  return typeof state === 'number' ? state : 0;
}

function nextOrderRefnum(orders: readonly ChannelOrder[], input: OrderFetchRequest): string | number | null {
  const last = orders.at(-1);
  if (last) return refnumValue(last.refnum);
  const given = input.data.channel.params?.['next_order_refnum'];
  return typeof given === 'string' || typeof given === 'number' ? refnumValue(String(given)) : null;
}

/**
 * GET /orders (seed 000, order fetch): unacknowledged orders from the inbox, oldest first. Each fetch also asks for
 * an order sync (deduplicated), so new fabric orders arrive without waiting for the next scheduled sync.
 */
export function registerOrderFetch(app: FastifyInstance, deps: IngressDeps): void {
  registerWebhook(app, deps, {
    method: 'GET',
    url: '/orders',
    schema: orderFetchRequest,
    dialect: 'handle',
    handle: async ({ input, caller, meta, request }) => {
      const bindingKey = caller.binding.key;
      const wanted = input.data.order?.channel_refnum;
      if (input.data.single && wanted !== undefined) {
        const [, orders] = await Promise.all([
          deps.queues.requestSync(meta),
          currentOrders(deps, bindingKey, [wanted], { requestId: meta.requestId, log: request.log }),
        ]);
        await deps.inbox.markOffered(bindingKey, orders.map((order) => order.refnum));
        return { fields: { next_page_state: 0, next_order_refnum: nextOrderRefnum(orders, input), orders: orders.map(toSeedOrder) } };
      }
      const size = Math.min(input.data.max_page_size ?? DEFAULT_PAGE_SIZE, deps.config.orderPageSizeMax);
      // The sync request and the page read are independent: one round trip, not two.
      const [, page] = await Promise.all([deps.queues.requestSync(meta), deps.inbox.page(bindingKey, pageState(input), size)]);
      // Before answering: from here on a cancel in fabric must show in the order, not withdraw it (sync-orders.ts).
      await deps.inbox.markOffered(bindingKey, page.orders.map((order) => order.refnum));
      return {
        fields: {
          next_page_state: page.nextPageState,
          next_order_refnum: nextOrderRefnum(page.orders, input),
          orders: page.orders.map(toSeedOrder),
        },
      };
    },
  });
}
