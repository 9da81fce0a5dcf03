// What RetailOPS hears about a push: at most two events, whatever its size: the skus fabric has no inventory for, and
// the skus fabric refused. Never one event per sku.
import { EVENT_CODES } from '../../shared/events/codes.js';
import { warningEvent, type ChannelEvent } from '../../shared/events/event.js';
import type { EventStore } from '../../shared/events/store.js';
import type { InventoryPushTracker, PushSummary, SkuOutcome } from '../../shared/inventory/push-tracker.js';
import type { Logger } from '../../shared/logger.js';

/** Skus named in an event's message, associations and diagnostic list: enough to act on, bounded for any push. */
const IN_MESSAGE = 10;
const IN_ASSOCIATIONS = 100;
const IN_DIAGNOSTIC = 500;

function skuList(outcomes: readonly SkuOutcome[]): string {
  const named = outcomes.slice(0, IN_MESSAGE).map((outcome) => `${outcome.sku}@${outcome.locationNumber}`);
  return `${named.join(', ')}${outcomes.length > IN_MESSAGE ? `, and ${outcomes.length - IN_MESSAGE} more` : ''}`;
}

function associations(outcomes: readonly SkuOutcome[]) {
  return [...new Set(outcomes.map((outcome) => outcome.sku))].slice(0, IN_ASSOCIATIONS).map((sku) => ({ type: 'sku' as const, id: sku }));
}

function detail(outcomes: readonly SkuOutcome[]) {
  return outcomes.slice(0, IN_DIAGNOSTIC).map(({ sku, locationNumber, status, code, message }) => ({ sku, locationNumber, status, code, message }));
}

/** The events of a push's summary: sorted by sku, so that the same push reads the same whichever part ended last. */
export function pushSummaryEvents(summary: PushSummary): ChannelEvent[] {
  const sorted = [...summary.outcomes].sort((a, b) => (a.sku < b.sku ? -1 : a.sku > b.sku ? 1 : a.locationNumber - b.locationNumber));
  const unknown = sorted.filter((outcome) => outcome.result === 'unknown');
  const refused = sorted.filter((outcome) => outcome.result === 'refused');
  const events: ChannelEvent[] = [];
  const occurredAt = new Date().toISOString();
  if (unknown.length > 0) {
    events.push(
      warningEvent({
        id: `inventory-${summary.pushId}-unknown`,
        action: 'inventory_push',
        code: EVENT_CODES.INVENTORY_SKU_UNKNOWN,
        message: `${unknown.length} sku${unknown.length === 1 ? ' has' : 's have'} no inventory in fabric at the mapped location; nothing was set for ${unknown.length === 1 ? 'it' : 'them'}: ${skuList(unknown)}`,
        occurredAt,
        associations: associations(unknown),
        diagnostic: { pushId: summary.pushId, receivedAt: summary.receivedAt, count: unknown.length, skus: detail(unknown) },
      }),
    );
  }
  if (refused.length > 0) {
    const first = refused[0] as SkuOutcome;
    events.push({
      id: `inventory-${summary.pushId}-refused`,
      severity: 'error',
      action: 'inventory_push',
      code: EVENT_CODES.INVENTORY_SKU_REFUSED,
      message: `fabric refused the counters of ${refused.length} sku${refused.length === 1 ? '' : 's'}: ${skuList(refused)} (first: ${first.message ?? `HTTP ${first.status}`})`,
      httpStatus: first.status,
      requestUrl: null,
      associations: associations(refused),
      diagnostic: { pushId: summary.pushId, receivedAt: summary.receivedAt, count: refused.length, skus: detail(refused) },
      occurredAt,
    });
  }
  return events;
}

export interface PushSummaryDeps {
  readonly inventoryPushes: InventoryPushTracker;
  readonly events: EventStore;
  readonly logger: Logger;
}

/**
 * A part of a push has ended (done, or failed for good: its own failure event names its skus). When it was the last,
 * the push's summary events are stored for the client's next response, then the push is forgotten.
 */
export async function endPushPart(deps: PushSummaryDeps, pushId: string, jobId: string): Promise<void> {
  const summary = await deps.inventoryPushes.finishPart(pushId, jobId);
  if (summary === null) return;
  const events = pushSummaryEvents(summary);
  for (const event of events) await deps.events.add({ clientId: summary.clientId, channelId: summary.channelId }, event);
  const count = (result: SkuOutcome['result']) => summary.outcomes.filter((outcome) => outcome.result === result).length;
  deps.logger.info(
    { pushId, parts: summary.parts, unknown: count('unknown'), refused: count('refused'), created: count('created'), events: events.length },
    'inventory push applied',
  );
  await deps.inventoryPushes.forget(pushId);
}
