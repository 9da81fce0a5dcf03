import { describe, expect, it } from 'vitest';
import type { PushSummary, SkuOutcome } from '../../shared/inventory/push-tracker.js';
import { pushSummaryEvents } from '../../workers/inventory/push-summary.js';

const summary = (outcomes: SkuOutcome[]): PushSummary => ({ pushId: 'p1', parts: 3, clientId: '497', channelId: '21', bindingKey: 'default', receivedAt: '2026-11-30T00:00:00.000Z', outcomes });
const unknown = (sku: string): SkuOutcome => ({ sku, locationNumber: 1, result: 'unknown', status: 404, code: null, message: 'fabric has no inventory for this sku at this location' });

describe('the summary of an inventory push', () => {
  it('says nothing when fabric took every sku (created ones included)', () => {
    expect(pushSummaryEvents(summary([{ sku: 'A', locationNumber: 1, result: 'created', status: 201, code: null, message: null }]))).toEqual([]);
  });

  it('is one warning for all unknown skus and one error for all refused ones, with bounded lists', () => {
    const outcomes = [
      ...Array.from({ length: 150 }, (_, index) => unknown(`S${String(index).padStart(3, '0')}`)),
      { sku: 'R1', locationNumber: 2, result: 'refused' as const, status: 400, code: 'SERVICE-4002', message: 'counters.onHand must be an integer' },
    ];
    const events = pushSummaryEvents(summary(outcomes.reverse()));
    expect(events.map((event) => [event.id, event.severity, event.code])).toEqual([
      ['inventory-p1-unknown', 'warning', 'INVENTORY_SKU_UNKNOWN'],
      ['inventory-p1-refused', 'error', 'INVENTORY_SKU_REFUSED'],
    ]);
    const [warning, error] = events;
    // Sorted by sku, whichever part happened to end last.
    expect(warning?.message).toBe(
      '150 skus have no inventory in fabric at the mapped location; nothing was set for them: S000@1, S001@1, S002@1, S003@1, S004@1, S005@1, S006@1, S007@1, S008@1, S009@1, and 140 more',
    );
    expect(warning?.associations).toHaveLength(100);
    expect(warning?.diagnostic).toMatchObject({ pushId: 'p1', count: 150 });
    expect(error?.message).toBe('fabric refused the counters of 1 sku: R1@2 (first: counters.onHand must be an integer)');
    expect(error?.httpStatus).toBe(400);
    expect(error?.associations).toEqual([{ type: 'sku', id: 'R1' }]);
  });
});
