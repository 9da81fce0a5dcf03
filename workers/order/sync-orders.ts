import type { SearchFilter } from '../../shared/fabric/schemas.js';
import type { JobHandler } from '../handler.js';
import { ACK_ATTRIBUTE } from './ack-order.js';
import { toChannelOrder } from './map-order.js';

const PAGE_LIMIT = 100;
/** Bounds one run; the next run (scheduled or triggered by a fetch) continues from the watermark. */
const MAX_PAGES_PER_RUN = 50;
const NOT_OFFERED = new Set(['ORDER_CANCELLED']);

/**
 * Fills the inbox with fabric orders created since the watermark, oldest first. The search is inclusive (GTE), so
 * orders sharing the watermark's timestamp are seen again and skipped by the inbox, never missed. Then drops the
 * bodies of orders acknowledged more than INBOX_RETENTION_DAYS ago.
 */
export const syncOrders: JobHandler<'order.sync'> = async (_payload, { fabric, call, meta, inbox, config }) => {
  const since =
    (await inbox.watermark(meta.bindingKey)) ??
    config.orderSync.since ??
    new Date(Date.now() - config.orderSync.lookbackDays * 86_400_000).toISOString();
  const filters: SearchFilter[] = [{ field: 'order.createdAt', condition: 'GTE', value: since }];
  let watermark = since;
  let added = 0;
  let offset = 0;
  for (let page = 0; page < MAX_PAGES_PER_RUN; page += 1) {
    const result = await fabric.searchOrders({ filters, sort: '+order.createdAt', offset, limit: PAGE_LIMIT }, call);
    const offered = result.data.filter(
      (order) => !NOT_OFFERED.has(order.statusCode) && String(order.attributes[ACK_ATTRIBUTE] ?? '') !== 'true',
    );
    added += await inbox.add(meta.bindingKey, offered.map(toChannelOrder));
    for (const order of result.data) if (order.createdAt && order.createdAt > watermark) watermark = order.createdAt;
    offset += result.data.length;
    if (result.data.length < PAGE_LIMIT || offset >= result.pagination.count) break;
  }
  await inbox.setWatermark(meta.bindingKey, watermark);
  const pruned = config.inboxRetentionDays > 0 ? await inbox.prune(meta.bindingKey, Date.now() - config.inboxRetentionDays * 86_400_000) : 0;
  // Last: a run that failed part-way is not a success, and rob_order_sync_last_success_timestamp_seconds must age.
  await inbox.recordSync(meta.bindingKey, Date.now());
  return { outcome: `synced ${added} new order(s)${pruned > 0 ? `, dropped ${pruned} acknowledged past retention` : ''}` };
};
