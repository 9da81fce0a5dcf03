import { EVENT_CODES } from '../shared/events/codes.js';
import { orderAssociations, type ChannelEvent } from '../shared/events/event.js';
import { FabricError } from '../shared/fabric/errors.js';
import { JobStalledError } from '../shared/jobs/stalls.js';
import { JOB_KINDS, jobSkus, orderRefnums, type JobData } from '../shared/jobs/contract.js';
import { ActionRejectedError } from './action-rejected.js';

/** What the error itself tells RetailOPS: its code, message, skus, and the facts an operator needs. */
interface Cause {
  readonly code: string;
  readonly message: string;
  readonly httpStatus: number | null;
  readonly requestUrl: string | null;
  readonly skus: readonly string[];
  readonly diagnostic: Record<string, unknown>;
}

function causeOf(error: Error): Cause {
  const none = { httpStatus: null, requestUrl: null, skus: [], diagnostic: {} };
  if (error instanceof ActionRejectedError) return { ...none, code: error.code, message: error.message, skus: error.skus, diagnostic: error.diagnostic };
  if (error instanceof JobStalledError) return { ...none, code: error.code, message: error.message, diagnostic: { stalls: error.stalls } };
  if (error instanceof FabricError) {
    // fabric's own code, else ours (no usable answer: TIMEOUT and the like), else its status: every FabricError the
    // bridge makes carries one of the first two or a status.
    return {
      code: error.errorCode ?? `FABRIC_HTTP_${error.status}`,
      message: error.message,
      httpStatus: error.status,
      requestUrl: error.details.requestUrl,
      skus: [],
      diagnostic: { retryable: error.transient },
    };
  }
  // A fault of the bridge's own: its message is for the log (with the stack), not for RetailOPS.
  return { ...none, code: EVENT_CODES.INTERNAL_ERROR, message: 'The channel action failed unexpectedly' };
}

/** The failure event RetailOPS receives for a job that failed for good; its id is the job's, so it is stored once. */
export function failureEvent(jobId: string, data: JobData, error: Error, attempts: number): ChannelEvent {
  const cause = causeOf(error);
  const [first, ...others] = orderRefnums(data.kind, data.payload);
  // A job about skus (an inventory push's part) names them, as many as an event can carry usefully.
  const skus = [...new Set([...cause.skus, ...jobSkus(data.kind, data.payload)])].slice(0, 100);
  return {
    id: `job-${jobId}`,
    severity: 'error',
    action: JOB_KINDS[data.kind].action,
    code: cause.code,
    message: cause.message,
    httpStatus: cause.httpStatus,
    requestUrl: cause.requestUrl,
    associations:
      first === undefined
        ? skus.map((sku) => ({ type: 'sku' as const, id: sku }))
        : [...orderAssociations(first, cause.skus), ...others.map((refnum) => ({ type: 'order' as const, id: refnum }))],
    diagnostic: { jobId, attempts, requestId: data.meta.requestId, ...cause.diagnostic },
    occurredAt: new Date().toISOString(),
  };
}
