import { orderAssociations, type ChannelEvent } from '../shared/events/event.js';
import { FabricError } from '../shared/fabric/errors.js';
import { JobStalledError } from '../shared/job-stalls.js';
import type { JobData } from '../shared/queues.js';
import { ActionRejectedError } from './action-rejected.js';
import { ACTION_NAMES } from './handlers.js';

function refnumsOf(data: JobData): string[] {
  const payload = data.payload as { refnum?: string; refnums?: string[] };
  if (payload.refnum) return [payload.refnum];
  return payload.refnums ?? [];
}

/** The failure event RetailOPS receives for a job that failed for good; its id is the job's, so it is stored once. */
export function failureEvent(jobId: string, data: JobData, error: Error, attempts: number): ChannelEvent {
  const base = { jobId, attempts, requestId: data.meta.requestId };
  let code = 'INTERNAL_ERROR';
  let httpStatus: number | null = null;
  let requestUrl: string | null = null;
  let skus: readonly string[] = [];
  let diagnostic: Record<string, unknown> = base;
  if (error instanceof ActionRejectedError) {
    code = error.code;
    skus = error.skus;
    diagnostic = { ...base, ...error.diagnostic };
  } else if (error instanceof JobStalledError) {
    code = error.code;
    diagnostic = { ...base, stalls: error.stalls };
  } else if (error instanceof FabricError) {
    code = error.errorCode ?? (error.status ? `FABRIC_HTTP_${error.status}` : 'FABRIC_UNAVAILABLE');
    httpStatus = error.status;
    requestUrl = error.details.requestUrl;
    diagnostic = { ...base, retryable: error.transient };
  }
  const [first, ...others] = refnumsOf(data);
  return {
    id: `job-${jobId}`,
    severity: 'error',
    action: ACTION_NAMES[data.kind],
    code,
    message:
      error instanceof ActionRejectedError || error instanceof FabricError || error instanceof JobStalledError
        ? error.message
        : 'The channel action failed unexpectedly',
    httpStatus,
    requestUrl,
    associations: [...orderAssociations(first ?? '', skus), ...others.map((refnum) => ({ type: 'order' as const, id: refnum }))],
    diagnostic,
    occurredAt: new Date().toISOString(),
  };
}
