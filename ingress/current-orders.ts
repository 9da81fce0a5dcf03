import type { FastifyBaseLogger } from 'fastify';
import type { FabricClient } from '../shared/fabric/client.js';
import type { ChannelOrder } from '../shared/inbox/channel-order.js';
import { toChannelOrder } from '../shared/inbox/map-order.js';
import type { IngressDeps } from './context.js';

/**
 * A re-fetch (seed 000's `data[single]`, v1's `specific_orders`) is RetailOPS asking again for orders it was offered:
 * it gets fabric's current order, not the copy the inbox took when it was offered. The ingress reads fabric for it
 * directly (one GET per order, in parallel) rather than enqueue-and-wait: a re-fetch is rare, names a few orders,
 * and a queue round trip would add a worker's latency for nothing. Bounded: past REFETCH_TIMEOUT_MS, or when fabric
 * fails or answers something unreadable, the inbox's copy is answered instead (logged), since a slightly stale order
 * beats a failed re-fetch. Only orders the inbox knows are answered, so a re-fetch cannot reach an order fabric still
 * holds or one that was never offered.
 */
export const REFETCH_TIMEOUT_MS = 3000;
/** At most this many orders per re-fetch are read from fabric; the rest come from the inbox. */
export const REFETCH_MAX = 100;

export async function currentOrders(
  deps: IngressDeps,
  bindingKey: string,
  refnums: readonly string[],
  context: { readonly requestId: string; readonly log: FastifyBaseLogger },
): Promise<ChannelOrder[]> {
  const known = await Promise.all(refnums.map((refnum) => deps.inbox.get(bindingKey, refnum)));
  const orders = known.flatMap((order) => (order ? [order] : []));
  let fabric: FabricClient | undefined;
  try {
    fabric = deps.fabric?.(bindingKey);
  } catch (error) {
    context.log.warn({ err: error, binding: bindingKey }, 're-fetch: no fabric client for the binding, answering the inbox copy');
  }
  if (!fabric) return orders;
  const client = fabric;
  const current = await Promise.all(
    orders.map(async (stored, index): Promise<ChannelOrder> => {
      if (index >= REFETCH_MAX) return stored;
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<'timeout'>((resolve) => {
        timer = setTimeout(() => resolve('timeout'), REFETCH_TIMEOUT_MS);
      });
      try {
        const read = client.getOrderByNumber(stored.refnum, { requestId: `${context.requestId}.refetch.${index}` });
        // Settled either way, so that a read that loses the race cannot become an unhandled rejection.
        read.catch(() => undefined);
        const answer = await Promise.race([read, timeout]);
        if (answer === 'timeout') {
          context.log.warn({ orderNumber: stored.refnum, timeoutMs: REFETCH_TIMEOUT_MS }, 're-fetch: fabric too slow, answering the inbox copy');
          return stored;
        }
        if (answer === null) return stored;
        return toChannelOrder(answer);
      } catch (error) {
        context.log.warn({ err: error, orderNumber: stored.refnum }, 're-fetch: fabric read failed, answering the inbox copy');
        return stored;
      } finally {
        clearTimeout(timer);
      }
    }),
  );
  return current;
}
