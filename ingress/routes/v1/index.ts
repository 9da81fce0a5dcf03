import type { FastifyInstance } from 'fastify';
import type { IngressDeps } from '../../context.js';
import { registerCatalogV1 } from './catalog.js';
import { registerInventoryPushV1 } from './inventory-push.js';
import { registerOrderAcknowledgeV1 } from './order-acknowledge.js';
import { registerOrderActionsV1 } from './order-actions.js';
import { registerOrderPullV1 } from './order-pull.js';
import { registerOrderSettlePaymentV1 } from './order-settle-payment.js';
import { registerOrderUpdateV1 } from './order-update.js';

/** RetailOPS' published SDK routes (`POST /<action>_v1`), under V1_BASE_PATH and at the root. */
export async function registerV1Routes(app: FastifyInstance, deps: IngressDeps): Promise<void> {
  const routes = async (scope: FastifyInstance) => {
    registerOrderPullV1(scope, deps);
    registerOrderAcknowledgeV1(scope, deps);
    registerOrderActionsV1(scope, deps);
    registerOrderUpdateV1(scope, deps);
    registerOrderSettlePaymentV1(scope, deps);
    registerInventoryPushV1(scope, deps);
    registerCatalogV1(scope, deps);
  };
  await app.register(routes, { prefix: deps.config.v1BasePath });
  await app.register(routes);
}
