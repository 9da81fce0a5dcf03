import type { FastifyInstance } from 'fastify';
import { EVENT_CODES } from '../../../shared/events/codes.js';
import { warningEvent, type ChannelEvent } from '../../../shared/events/event.js';
import type { JobMeta } from '../../../shared/jobs/contract.js';
import { orderPullV1Request } from '../../../shared/retailops/v1-requests.js';
import { toV1Order } from '../../../shared/retailops/render-v1-order.js';
import type { IngressDeps } from '../../context.js';
import { currentOrders } from '../../current-orders.js';
import { v1Credentials } from '../../credentials.js';
import { registerWebhook } from '../../webhook.js';

/** The SDK allows at most 100 orders per page. */
const V1_PAGE_SIZE = 100;

/** The page token is the inbox cursor, opaque to RetailOPS: base64url of `{"after": <sequence>}`. */
export function encodePageToken(after: number): string {
  return after === 0 ? '' : Buffer.from(JSON.stringify({ after })).toString('base64url');
}

/** The cursor in a page token; null when the token is not one this channel issued. */
export function decodePageToken(token: string | undefined): number | null {
  if (!token) return 0;
  try {
    const parsed = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as { after?: unknown };
    if (typeof parsed.after === 'number' && Number.isSafeInteger(parsed.after) && parsed.after >= 0) return parsed.after;
  } catch {
    // not ours: answered below
  }
  return null;
}

/**
 * A token this channel did not issue starts from the first page, with a warning: pulling an order twice is
 * harmless (only an acknowledgement takes it out), refusing the pull would stall RetailOPS' import.
 */
function unreadableTokenNotice(meta: JobMeta): ChannelEvent {
  return warningEvent({
    id: `page-token-${meta.requestId}`,
    action: 'order_pull',
    code: EVENT_CODES.PAGE_TOKEN_NOT_RECOGNISED,
    message: 'page_token was not issued by this channel; orders are returned from the first page',
    occurredAt: meta.receivedAt,
  });
}

/** order_pull_v1: unacknowledged orders, oldest first, or the `specific_orders` asked for (acknowledged or not). */
export function registerOrderPullV1(app: FastifyInstance, deps: IngressDeps): void {
  registerWebhook(app, deps, {
    method: 'POST',
    url: '/order_pull_v1',
    schema: orderPullV1Request,
    dialect: 'v1',
    credentials: v1Credentials,
    handle: async ({ input, caller, meta, request }) => {
      const cursor = decodePageToken(input.page_token);
      const notices = cursor === null ? [unreadableTokenNotice(meta)] : [];
      await deps.queues.requestSync(meta);
      const bindingKey = caller.binding.key;
      if (input.specific_orders && input.specific_orders.length > 0) {
        const wanted = input.specific_orders.map((order) => order.channel_refnum);
        const orders = await currentOrders(deps, bindingKey, wanted, { requestId: meta.requestId, log: request.log });
        await deps.inbox.markOffered(bindingKey, orders.map((order) => order.refnum));
        return { fields: { next_page_token: '', orders: orders.map(toV1Order) }, notices };
      }
      const page = await deps.inbox.page(bindingKey, cursor ?? 0, V1_PAGE_SIZE);
      // Before answering: from here on a cancel in fabric must show in the order, not withdraw it (sync-orders.ts).
      await deps.inbox.markOffered(bindingKey, page.orders.map((order) => order.refnum));
      return { fields: { next_page_token: encodePageToken(page.nextPageState), orders: page.orders.map(toV1Order) }, notices };
    },
  });
}
