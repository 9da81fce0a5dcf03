import type { FastifyInstance } from 'fastify';
import type { z } from 'zod';
import { EVENT_CODES } from '../../../shared/events/codes.js';
import { warningEvent } from '../../../shared/events/event.js';
import {
  catalogGetConfigV1Request,
  catalogPushV1Request,
  inventoryPushV1Request,
  orderSettlePaymentV1Request,
} from '../../../shared/retailops/v1-requests.js';
import type { IngressDeps } from '../../context.js';
import { v1Credentials } from '../../credentials.js';
import { registerWebhook } from '../../webhook.js';

/**
 * SDK actions this channel does not support yet. They authenticate and validate like the others and answer per
 * schema, with one warning event saying so: never a silent success. Nothing is enqueued.
 */
const UNSUPPORTED: { url: string; action: string; schema: z.ZodType; fields: Record<string, unknown> }[] = [
  { url: '/order_settle_payment_v1', action: 'order_settle_payment', schema: orderSettlePaymentV1Request, fields: {} },
  { url: '/inventory_push_v1', action: 'inventory_push', schema: inventoryPushV1Request, fields: {} },
  { url: '/catalog_push_v1', action: 'catalog_push', schema: catalogPushV1Request, fields: {} },
  { url: '/catalog_get_config_v1', action: 'catalog_get_config', schema: catalogGetConfigV1Request, fields: { sku_fanout: 'no_fanout' } },
];

export function registerUnsupportedV1(app: FastifyInstance, deps: IngressDeps): void {
  for (const route of UNSUPPORTED) {
    registerWebhook(app, deps, {
      method: 'POST',
      url: route.url,
      schema: route.schema,
      dialect: 'v1',
      credentials: v1Credentials,
      handle: async ({ meta }) => ({
        fields: route.fields,
        notices: [
          warningEvent({
            id: `unsupported-${meta.requestId}`,
            action: route.action,
            code: EVENT_CODES.ACTION_NOT_SUPPORTED,
            message: `${route.action} is not supported by this channel (fabric commerce); nothing was done`,
            occurredAt: meta.receivedAt,
          }),
        ],
      }),
    });
  }
}
