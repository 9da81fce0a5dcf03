import type { Logger } from 'pino';
import type { FabricClient, CallContext } from '../shared/fabric/client.js';
import type { EventStore } from '../shared/events/store.js';
import type { InboxStore } from '../shared/inbox/store.js';
import type { Config } from '../shared/config.js';
import type { Metrics } from '../shared/metrics.js';
import type { JobKind, JobMeta, JobPayload } from '../shared/jobs/contract.js';
import type { InventoryPushTracker } from '../shared/inventory/push-tracker.js';

/** What a job handler may use: narrow, so handlers are functions of the payload and these. */
export interface HandlerContext {
  /** The BullMQ job's id: the mark its changes in fabric carry (action-mark.ts). */
  readonly jobId: string;
  readonly fabric: FabricClient;
  readonly call: CallContext;
  readonly meta: JobMeta;
  readonly logger: Logger;
  readonly inbox: InboxStore;
  readonly events: EventStore;
  /** Inventory pushes in progress: where a part resumes, and each push's one summary. */
  readonly inventoryPushes: InventoryPushTracker;
  readonly config: Config;
  /** The process's metrics, for handlers that count what no job outcome shows (orders a sync skipped). */
  readonly metrics?: Metrics;
}

/**
 * How a job ended well: a short outcome for the log line. The fabric calls it made are counted where they are sent
 * (CallContext.onRequest), not reported by the handler: a count kept by hand missed reads and searches.
 */
export interface HandlerResult {
  readonly outcome: string;
}

export type JobHandler<K extends JobKind> = (payload: JobPayload<K>, context: HandlerContext) => Promise<HandlerResult>;
