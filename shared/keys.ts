/**
 * Redis key names outside BullMQ's own. Every key starts with the queue prefix, a hash tag such as `{rob}`, so that
 * the multi-key scripts below stay in one cluster slot.
 */
/** URI-encoded, so ids with ':' or spaces neither break the key layout nor collide with each other. */
function part(value: string): string {
  return encodeURIComponent(value);
}

export function eventKeys(prefix: string, clientId: string, channelId: string) {
  const base = `${prefix}:events:${part(clientId)}:${part(channelId)}`;
  return { order: `${base}:order`, body: `${base}:body`, seq: `${base}:seq` } as const;
}

export function inboxKeys(prefix: string, bindingKey: string) {
  const base = `${prefix}:inbox:${part(bindingKey)}`;
  return {
    pending: `${base}:pending`,
    orders: `${base}:orders`,
    acked: `${base}:acked`,
    seq: `${base}:seq`,
    watermark: `${base}:watermark`,
    /** When the binding's last order sync completed (ms since the epoch), for rob_order_sync_last_success_timestamp_seconds. */
    lastSync: `${base}:last-sync`,
    /** Orders fabric holds (not released yet): the sync re-reads them until released or cancelled. */
    held: `${base}:held`,
    /** Pending orders a fetch has returned at least once: a cancel in fabric no longer withdraws them. */
    offered: `${base}:offered`,
    /** Orders the sync could not read or map (hash orderNumber → reason), re-read each sync; `ops sync skipped`. */
    skipped: `${base}:skipped`,
  } as const;
}

export { part as keyPart };
