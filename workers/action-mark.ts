import type { FabricOrder } from '../shared/fabric/schemas.js';
import type { JobMeta } from '../shared/jobs/contract.js';

/**
 * The attribute every cancel the bridge sends carries, on the request and on each line: the id of the job that sent
 * it. fabric keeps a cancel request's attributes on the order (`cancellations[].attributes`, cancellationResource)
 * and a line entry's on the line (`items[].cancellations[].attributes`, cancellationItemResource), so a job that reads
 * the order can tell whether its own change is already there: a retry after a lost answer, or a worker that lost the
 * job while its call was on the way. Job ids are deterministic (the webhook's content), so a redelivered webhook is
 * recognised too.
 */
export const ACTION_MARK = 'retailopsJobId';

export function actionMark(jobId: string): Record<string, string> {
  return { [ACTION_MARK]: jobId };
}

/**
 * Whether fabric's order already shows a cancel made by this job, at the order or at a line; for a job `ops replay`
 * enqueued again (a fresh id, meta.replayOf naming the original), one made by the original job counts too.
 */
export function hasActionMark(order: FabricOrder, jobId: string, meta: Pick<JobMeta, 'replayOf'>): boolean {
  const mine = new Set([jobId, ...(meta.replayOf !== undefined ? [meta.replayOf] : [])]);
  const marked = (entry: { attributes?: Record<string, unknown> | undefined }) => {
    const mark = entry.attributes?.[ACTION_MARK];
    return typeof mark === 'string' && mine.has(mark);
  };
  return order.cancellations.some(marked) || order.items.some((item) => item.cancellations.some(marked));
}
