// POST /inventory_push_v1: the push is mapped to fabric's inventory writes with the channel's mapping
// (shared/inventory/mapping.ts), spread over the binding's inventory lanes, and enqueued as jobs on the inventory
// queue; the answer comes at once. What fabric makes of each sku arrives later, as one summary per push.
import type { FastifyInstance } from 'fastify';
import { EVENT_CODES } from '../../../shared/events/codes.js';
import { warningEvent, type ChannelEvent } from '../../../shared/events/event.js';
import { mapInventoryPush, type SkippedTarget } from '../../../shared/inventory/mapping.js';
import { splitPush } from '../../../shared/inventory/split-push.js';
import type { JobMeta } from '../../../shared/jobs/contract.js';
import { inventoryPushV1Request } from '../../../shared/retailops/v1-requests.js';
import type { IngressDeps } from '../../context.js';
import { v1Credentials } from '../../credentials.js';
import { registerWebhook } from '../../webhook.js';

const SKUS_NAMED = 10;

function notConfigured(meta: JobMeta): ChannelEvent {
  return warningEvent({
    id: `inventory-not-configured-${meta.requestId}`,
    action: 'inventory_push',
    code: EVENT_CODES.INVENTORY_NOT_CONFIGURED,
    message: 'inventory_push is not configured for this channel (no inventory mapping to fabric locations); nothing was done',
    occurredAt: meta.receivedAt,
  });
}

/** The targets the push gave no quantity for: one warning for all of them, naming the first few. */
function quantitiesMissing(meta: JobMeta, skipped: readonly SkippedTarget[]): ChannelEvent {
  const named = skipped.slice(0, SKUS_NAMED).map((target) => `${target.sku} (${target.reason} for ${target.counter} at location ${target.locationNumber})`);
  return warningEvent({
    id: `inventory-quantity-missing-${meta.requestId}`,
    action: 'inventory_push',
    code: EVENT_CODES.INVENTORY_QUANTITY_MISSING,
    message: `${skipped.length} counter${skipped.length === 1 ? ' was' : 's were'} left unchanged: the push has no quantity for ${named.join(', ')}${skipped.length > SKUS_NAMED ? `, and ${skipped.length - SKUS_NAMED} more` : ''}`,
    occurredAt: meta.receivedAt,
    associations: [...new Set(skipped.map((target) => target.sku))].slice(0, 100).map((sku) => ({ type: 'sku' as const, id: sku })),
    diagnostic: { count: skipped.length, skipped: skipped.slice(0, 500) },
  });
}

export function registerInventoryPushV1(app: FastifyInstance, deps: IngressDeps): void {
  registerWebhook(app, deps, {
    method: 'POST',
    url: '/inventory_push_v1',
    schema: inventoryPushV1Request,
    dialect: 'v1',
    credentials: v1Credentials,
    bodyLimit: deps.config.inventory.bodyLimitBytes,
    handle: async ({ input, caller, meta, request }) => {
      const mapping = caller.binding.inventory;
      if (mapping === null) return { notices: [notConfigured(meta)] };
      const { writes, skipped } = mapInventoryPush(input.inventory_updates, mapping);
      const notices = skipped.length > 0 ? [quantitiesMissing(meta, skipped)] : [];
      if (writes.length === 0) return { notices };
      const chunks = splitPush(writes, deps.config.inventory);
      const pushId = await deps.queues.addInventoryPush(meta, chunks, mapping.unknownSku);
      request.log.info({ pushId, skus: input.inventory_updates.length, writes: writes.length, jobs: chunks.length }, 'inventory push enqueued');
      return { notices };
    },
  });
}
