// Assembles fabric's /v3 surface (orders, shipments, inventory): the gate and the ledger recorder are hooks of this plugin, so
// they apply to these routes only (not to the token endpoint or the /_sandbox hooks).
import type { FastifyPluginAsync } from 'fastify';
import type { SandboxContext } from '../context.js';
import { buildCancelRoutes } from './cancel.js';
import { buildHoldRoutes } from './holds.js';
import { buildInventoryRoutes } from './inventories.js';
import { installLedgerRecorder } from './ledger-recorder.js';
import { buildOrderRoutes } from './orders.js';
import { buildReturnRoutes } from './returns.js';
import { buildShipmentRoutes } from './shipments.js';
import { installOrderPresenter } from './present-order.js';
import { installLostResponses, installV3Gate } from './v3-gate.js';

export function buildV3Routes(ctx: SandboxContext): FastifyPluginAsync {
  return async (v3) => {
    installV3Gate(v3, ctx);
    installLedgerRecorder(v3, ctx);
    installLostResponses(v3, ctx);
    installOrderPresenter(v3);
    await v3.register(buildOrderRoutes(ctx));
    await v3.register(buildCancelRoutes(ctx));
    await v3.register(buildHoldRoutes(ctx));
    await v3.register(buildReturnRoutes(ctx));
    await v3.register(buildShipmentRoutes(ctx));
    await v3.register(buildInventoryRoutes(ctx));
  };
}
