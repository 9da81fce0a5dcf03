import type { JobHandler } from '../handler-context.js';
import type { SkuOutcome } from '../../shared/inventory/push-tracker.js';
import { applyInventoryWrite } from './apply-write.js';
import { endPushPart } from './push-summary.js';

/** Writes between two progress records: a retried part repeats at most this many (harmless, as each is a set). */
const PROGRESS_EVERY = 25;

/**
 * One part of an inventory push: its writes in order, each a find-and-update, resuming after the last write an
 * earlier attempt recorded. What fabric did not take is recorded for the push's one summary (push-summary.ts).
 */
export const pushInventory: JobHandler<'inventory.push'> = async (payload, context) => {
  const { inventoryPushes: pushes, jobId } = context;
  let applied = await pushes.resumeAt(payload.pushId, jobId);
  const resumedAt = applied;
  let unsaved: SkuOutcome[] = [];
  let sinceSaved = 0;
  const counts = { set: 0, created: 0, unknown: 0, refused: 0 };
  try {
    for (const write of payload.writes.slice(applied)) {
      const outcome = await applyInventoryWrite(context.fabric, write, payload.unknownSku, context.call);
      const result = outcome?.result ?? 'set';
      counts[result] += 1;
      context.metrics?.inventoryWrites.inc({ result });
      if (outcome) unsaved.push(outcome);
      applied += 1;
      sinceSaved += 1;
      if (sinceSaved >= PROGRESS_EVERY) {
        await pushes.recordProgress(payload.pushId, jobId, applied, unsaved);
        unsaved = [];
        sinceSaved = 0;
      }
    }
  } finally {
    // Also on a failed attempt: the retry resumes after what this one applied, and knows what it learnt.
    if (sinceSaved > 0) await pushes.recordProgress(payload.pushId, jobId, applied, unsaved);
  }
  await endPushPart({ inventoryPushes: pushes, events: context.events, logger: context.logger }, payload.pushId, jobId);
  const resumed = resumedAt > 0 ? `, resumed at ${resumedAt}` : '';
  return { outcome: `${counts.set} set, ${counts.created} created, ${counts.unknown} unknown, ${counts.refused} refused of ${payload.writes.length}${resumed}` };
};
