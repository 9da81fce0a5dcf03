import { fabricOrderSchema, type FabricOrder, type SearchFilter } from '../../shared/fabric/schemas.js';
import { isCancelled, isHeld } from '../../shared/fabric/order-hold.js';
import type { ChannelOrder } from '../../shared/inbox/channel-order.js';
import { EVENT_CODES } from '../../shared/events/codes.js';
import { orderAssociations, warningEvent, type ChannelEvent } from '../../shared/events/event.js';
import type { JobHandler } from '../handler-context.js';
import { ACK_ATTRIBUTE } from './ack-order.js';
import { OrderWithheldError, toChannelOrder } from '../../shared/inbox/map-order.js';

const PAGE_LIMIT = 100;
/** Bounds one run; the next run (scheduled or triggered by a fetch) continues from the watermark. */
const MAX_PAGES_PER_RUN = 50;
/**
 * Orders re-read per run by number, pending ones and then held and skipped ones: bounded so that a large backlog
 * cannot stall a run (the oldest pending come first; held ones are sampled, so all are reached over a few runs).
 */
const REREAD_MAX = 200;
/** fabric's valuesSearchFilter takes 1 to 25 values (orderSearchRequest, `values.maxItems`). */
const IN_VALUES_MAX = 25;

type Read =
  | { readonly ok: true; readonly order: FabricOrder; readonly channel: ChannelOrder }
  | { readonly ok: false; readonly orderNumber: string | null; readonly reason: string; readonly withheld?: boolean };

function field(raw: unknown, name: string): string | null {
  if (raw === null || typeof raw !== 'object') return null;
  const value = (raw as Record<string, unknown>)[name];
  return typeof value === 'string' || typeof value === 'number' ? String(value) : null;
}

/** One order of a fabric answer, parsed and mapped on its own, so that a bad one costs only itself. */
function readOrder(raw: unknown): Read {
  const orderNumber = field(raw, 'orderNumber');
  const parsed = fabricOrderSchema.safeParse(raw);
  if (!parsed.success) {
    const reason = parsed.error.issues
      .slice(0, 3)
      .map((issue) => `${issue.path.join('.') || '(order)'}: ${issue.message}`)
      .join('; ');
    return { ok: false, orderNumber, reason: `unreadable: ${reason}` };
  }
  try {
    return { ok: true, order: parsed.data, channel: toChannelOrder(parsed.data) };
  } catch (error) {
    if (error instanceof OrderWithheldError) return { ok: false, orderNumber, reason: error.message, withheld: true };
    return { ok: false, orderNumber, reason: `unmappable: ${error instanceof Error ? error.message : String(error)}` };
  }
}

/** A warning, not an error: nothing failed that RetailOPS asked for; the order waits in fabric until it reconciles. */
function withheldEvent(binding: string, orderNumber: string, reason: string): ChannelEvent {
  return warningEvent({
    id: `order-withheld-${binding}-${orderNumber}`,
    action: 'order_fetch',
    code: EVENT_CODES.ORDER_WITHHELD,
    message: `Order ${orderNumber} is not offered: its amounts do not reconcile with fabric's (${reason.replace(/^withheld: /, '')})`,
    associations: orderAssociations(orderNumber),
    diagnostic: { binding, reason },
    occurredAt: new Date().toISOString(),
  });
}

const acknowledgedInFabric = (order: FabricOrder) => String(order.attributes[ACK_ATTRIBUTE] ?? '') === 'true';

/**
 * Fills the inbox with fabric orders RetailOPS may ship, and keeps the waiting ones current. A run:
 *
 * 1. re-reads the oldest pending (offered or not, unacknowledged) orders by number: each takes fabric's current state;
 *    one fabric cancelled before any fetch returned it leaves the inbox, one already offered stays, cancelled
 *    (shared/inbox/store.ts, refresh);
 * 2. searches orders created since the watermark, oldest first (GTE: orders sharing the watermark's timestamp are seen
 *    again and skipped by the inbox, never missed). Released ones are added; held ones (shared/fabric/order-hold.ts)
 *    are noted in the binding's held set, since the watermark moves past them; cancelled and already acknowledged ones
 *    are not offered;
 * 3. re-reads the held and the skipped orders by number, and adds those fabric released (or that read fine now).
 *
 * An order that does not parse or map is skipped alone: a warning, rob_order_sync_skipped_total and a record for
 * `npm run ops -- sync skipped`; the rest of its page goes on and the watermark moves past it. Step 3 retries it each
 * run until it reads (the record then goes) or the operator clears it. Then drops the bodies of orders acknowledged
 * more than INBOX_RETENTION_DAYS ago.
 */
export const syncOrders: JobHandler<'order.sync'> = async (_payload, context) => {
  const { fabric, call, meta, inbox, config } = context;
  const binding = meta.bindingKey;
  const counts = { added: 0, held: 0, skipped: 0, refreshed: 0, withdrawn: 0 };

  // Counted and logged once per order, not once per run that retries it: the record's lastSeenAt tells the rest.
  const alreadySkipped = new Set((await inbox.skipped(binding)).map((record) => record.orderNumber));
  const skip = async (read: Extract<Read, { ok: false }>) => {
    const { orderNumber, reason } = read;
    if (orderNumber === null || !alreadySkipped.has(orderNumber)) {
      counts.skipped += 1;
      context.metrics?.orderSyncSkipped.inc({ binding });
      context.logger.warn({ orderNumber, reason, binding }, 'order sync skipped an order it cannot read');
      // RetailOPS is told too, once per order: an order whose money does not reconcile is fabric data a merchant must
      // fix, and RetailOPS would otherwise never learn that an order exists it was not offered.
      if (read.withheld === true && orderNumber !== null) {
        await context.events.add({ clientId: meta.clientId, channelId: meta.channelId }, withheldEvent(binding, orderNumber, reason));
      }
    }
    if (orderNumber === null) return;
    alreadySkipped.add(orderNumber);
    await inbox.recordSkipped(binding, orderNumber, reason);
  };

  /**
   * Takes a page of orders in: offered, held aside, or left out. The offered ones are added in one step, in page
   * order, so a fetch sees a page's orders all or none, in creation order.
   */
  const take = async (raws: readonly unknown[]): Promise<void> => {
    const offer: ChannelOrder[] = [];
    const hold: string[] = [];
    const done: string[] = [];
    for (const raw of raws) {
      const read = readOrder(raw);
      if (!read.ok) {
        await skip(read);
        continue;
      }
      const { order, channel } = read;
      if (acknowledgedInFabric(order) || isCancelled(order)) done.push(order.orderNumber);
      else if (isHeld(order)) hold.push(order.orderNumber);
      else {
        offer.push(channel);
        done.push(order.orderNumber);
      }
    }
    const readable = [...done, ...hold];
    counts.held += hold.length;
    const fixed = readable.filter((orderNumber) => alreadySkipped.has(orderNumber));
    await inbox.clearSkipped(binding, fixed);
    for (const orderNumber of fixed) alreadySkipped.delete(orderNumber);
    await inbox.hold(binding, hold);
    counts.added += await inbox.add(binding, offer);
    await inbox.unhold(binding, done);
  };

  /** fabric's current orders for these numbers, 25 per search (valuesSearchFilter, IN): fewer calls than a GET each. */
  const byNumber = async (orderNumbers: readonly string[]): Promise<unknown[]> => {
    const found: unknown[] = [];
    for (let start = 0; start < orderNumbers.length; start += IN_VALUES_MAX) {
      const values = orderNumbers.slice(start, start + IN_VALUES_MAX);
      const filters: SearchFilter[] = [{ field: 'order.orderNumber', condition: 'IN', values }];
      const result = await fabric.searchOrders({ filters, sort: '+order.createdAt', offset: 0, limit: IN_VALUES_MAX }, call);
      found.push(...result.data);
    }
    return found;
  };

  // 1. Pending orders take fabric's current state.
  for (const raw of await byNumber(await inbox.pendingRefnums(binding, REREAD_MAX))) {
    const read = readOrder(raw);
    if (!read.ok) {
      await skip(read);
      continue;
    }
    const outcome = await inbox.refresh(binding, read.channel, isCancelled(read.order));
    if (outcome === 'updated') counts.refreshed += 1;
    if (outcome === 'withdrawn') counts.withdrawn += 1;
  }

  // 2. New orders since the watermark.
  const since =
    (await inbox.watermark(binding)) ??
    config.orderSync.since ??
    new Date(Date.now() - config.orderSync.lookbackDays * 86_400_000).toISOString();
  const filters: SearchFilter[] = [{ field: 'order.createdAt', condition: 'GTE', value: since }];
  let watermark = since;
  let offset = 0;
  for (let page = 0; page < MAX_PAGES_PER_RUN; page += 1) {
    const result = await fabric.searchOrders({ filters, sort: '+order.createdAt', offset, limit: PAGE_LIMIT }, call);
    await take(result.data);
    for (const raw of result.data) {
      // Read from the raw order, so that an order skipped as unreadable still moves the watermark.
      const createdAt = field(raw, 'createdAt');
      if (createdAt !== null && createdAt > watermark) watermark = createdAt;
    }
    offset += result.data.length;
    if (result.data.length < PAGE_LIMIT || offset >= result.pagination.count) break;
  }
  await inbox.setWatermark(binding, watermark);

  // 3. Held and skipped orders, until fabric releases (or cancels) them, or they read.
  const watched = [...new Set([...(await inbox.heldRefnums(binding, REREAD_MAX)), ...alreadySkipped])].slice(0, REREAD_MAX);
  await take(await byNumber(watched));

  const pruned = config.inboxRetentionDays > 0 ? await inbox.prune(binding, Date.now() - config.inboxRetentionDays * 86_400_000) : 0;
  // Last: a run that failed part-way is not a success, and rob_order_sync_last_success_timestamp_seconds must age.
  await inbox.recordSync(binding, Date.now());
  const parts = [
    `synced ${counts.added} new order(s)`,
    counts.held > 0 ? `${counts.held} held` : '',
    counts.refreshed + counts.withdrawn > 0 ? `${counts.refreshed} refreshed, ${counts.withdrawn} withdrawn (cancelled)` : '',
    counts.skipped > 0 ? `${counts.skipped} skipped (unreadable)` : '',
    pruned > 0 ? `dropped ${pruned} acknowledged past retention` : '',
  ];
  return { outcome: parts.filter((part) => part !== '').join(', ') };
};
