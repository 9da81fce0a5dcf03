import { EVENT_CODES } from '../shared/events/codes.js';
import { orderAssociations, warningEvent } from '../shared/events/event.js';
import { JOB_KINDS, type JobMeta } from '../shared/jobs/contract.js';
import type { Caller } from './auth.js';
import type { IngressDeps } from './context.js';

/**
 * Order acknowledgement, shared by GET /orders/order_ack and order_acknowledge_v1. The `order.ack` job (which
 * records it in fabric) is enqueued before the refnums leave the inbox, so a 503 leaves everything as it was.
 * Unknown refnums become warning events, stored so that this very response carries them.
 */
export async function acknowledgeOrders(
  deps: IngressDeps,
  caller: Caller,
  meta: JobMeta,
  refnums: readonly string[],
  retailopsOrderIds: Record<string, string> = {},
): Promise<void> {
  const unique = [...new Set(refnums)];
  const bindingKey = caller.binding.key;
  const known = await deps.inbox.knownRefnums(bindingKey, unique);
  if (known.length > 0) {
    const ids = Object.fromEntries(known.flatMap((refnum) => (retailopsOrderIds[refnum] ? [[refnum, retailopsOrderIds[refnum]]] : [])));
    await deps.queues.add('order.ack', meta, { refnums: known, retailopsOrderIds: ids });
  }
  await deps.inbox.acknowledge(bindingKey, known);
  const scope = { clientId: caller.clientId, channelId: caller.channelId };
  for (const refnum of unique.filter((candidate) => !known.includes(candidate))) {
    await deps.events.add(
      scope,
      warningEvent({
        id: `ack-unknown-${refnum}-${meta.requestId}`,
        action: JOB_KINDS['order.ack'].action,
        code: EVENT_CODES.ORDER_NOT_FOUND,
        message: `Order ${refnum} is not known to this channel; nothing was acknowledged for it`,
        associations: orderAssociations(refnum),
        occurredAt: meta.receivedAt,
      }),
    );
  }
}
