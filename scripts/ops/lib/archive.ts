import { WebhookArchive } from '../../../shared/archive/webhook-archive.js';
import type { OpsDeps } from './core.js';

/** The archive as the CLI reads it: everything still stored, whatever its age (the services trim by age). */
export function cliArchive(deps: Pick<OpsDeps, 'redis' | 'prefix' | 'now'>): WebhookArchive {
  return new WebhookArchive(deps.redis, { prefix: deps.prefix, enabled: true, retentionDays: 0, ...(deps.now ? { now: deps.now } : {}) });
}
