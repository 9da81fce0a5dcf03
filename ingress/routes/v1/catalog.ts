// The SDK's catalog actions. catalog_get_config answers what this channel supports. catalog_push has nothing to go to:
// fabric's published APIs this bridge is held to (Orders, Shipments, Inventory, Identity) have no product or price
// resource, and the push's TemplateOutput is a per-feed template with no fixed fields to map. It authenticates and
// validates like every route and answers one warning saying so: never a silent success. docs/retailops-v1.md.
import type { FastifyInstance } from 'fastify';
import { EVENT_CODES } from '../../../shared/events/codes.js';
import { warningEvent } from '../../../shared/events/event.js';
import { catalogGetConfigV1Request, catalogPushV1Request } from '../../../shared/retailops/v1-requests.js';
import type { IngressDeps } from '../../context.js';
import { v1Credentials } from '../../credentials.js';
import { registerWebhook } from '../../webhook.js';

/**
 * Each sku's inventory is written on its own (sku and location are fabric's whole key), so RetailOPS need not send a
 * product's related skus along with a changed one.
 */
export const CATALOG_CONFIG = { sku_fanout: 'no_fanout' } as const;

export function registerCatalogV1(app: FastifyInstance, deps: IngressDeps): void {
  const common = { method: 'POST', dialect: 'v1', credentials: v1Credentials } as const;
  registerWebhook(app, deps, { ...common, url: '/catalog_get_config_v1', schema: catalogGetConfigV1Request, handle: async () => ({ fields: CATALOG_CONFIG }) });
  registerWebhook(app, deps, {
    ...common,
    url: '/catalog_push_v1',
    schema: catalogPushV1Request,
    handle: async ({ meta }) => ({
      notices: [
        warningEvent({
          id: `unsupported-${meta.requestId}`,
          action: 'catalog_push',
          code: EVENT_CODES.ACTION_NOT_SUPPORTED,
          message:
            'catalog_push is not supported by this channel: fabric has no catalog or price API this bridge can write to; ' +
            "manage products and prices in fabric's own tools. Nothing was done",
          occurredAt: meta.receivedAt,
        }),
      ],
    }),
  });
}
