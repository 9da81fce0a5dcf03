// /_sandbox/*: controls for tests and demos (faults, ledger, reset, direct order and inventory access). No auth
// and no faults, so a test can always reach them even while /v3 is failing.
import type { FastifyPluginAsync } from 'fastify';
import type { SandboxContext } from '../context.js';
import { invalidValue, orderNotFound } from '../errors.js';
import { applyRelease } from '../hold.js';
import { newObjectId } from '../ids.js';
import type { StoredOrder } from '../types.js';
import { faultConfigInputSchema } from '../faults.js';
import { parseWith } from '../validation.js';
import { createInventoryFromBody } from './inventories.js';
import { createOrderFromBody } from './request-helpers.js';

export function buildTestHookRoutes(ctx: SandboxContext): FastifyPluginAsync {
  return async (app) => {
    app.post('/faults', async (request) => {
      const input = parseWith(faultConfigInputSchema, request.body ?? {}, 'body');
      const config = ctx.faults.configure(input);
      request.log.info({ faults: config }, 'sandbox faults configured');
      return config;
    });

    app.delete('/faults', async () => ctx.faults.clear());

    app.get('/calls', async () => ({ calls: ctx.ledger.list() }));

    app.post('/reset', async () => {
      ctx.state.reset();
      ctx.inventory.reset();
      ctx.ledger.clear();
      ctx.faults.clear();
      return { reset: true };
    });

    app.post('/orders', async (request, reply) => {
      const order = createOrderFromBody(ctx, request.body, undefined);
      return reply.code(201).send(order);
    });

    // An order stored exactly as sent, unvalidated and underived: what a fabric answer the bridge cannot read looks
    // like (a missing field, a null amount). Only orderNumber is needed, and orderId is made up when absent.
    app.post('/orders/raw', async (request, reply) => {
      const order = rawOrder(request.body);
      // The sandbox's own bookkeeping lists (not read by the bridge) exist on every stored order.
      const stored = { shipments: [], returns: [], ...order, orderId: order.orderId ?? newObjectId() };
      return reply.code(201).send(ctx.state.insert(stored as unknown as StoredOrder));
    });

    // Replaces an order with the body as sent (same orderNumber, orderId kept): a change made in fabric by someone
    // other than the bridge, e.g. a customer service cancel or an edited address.
    app.put<{ Params: { orderNumber: string } }>('/orders/:orderNumber', async (request) => {
      const current = ctx.state.findByNumber(request.params.orderNumber);
      if (current === undefined) throw orderNotFound(request.params.orderNumber);
      const order = rawOrder(request.body);
      if (order.orderNumber !== current.orderNumber) throw invalidValue('orderNumber cannot change');
      return ctx.state.commit({ shipments: current.shipments, returns: current.returns, ...order, orderId: current.orderId } as StoredOrder);
    });

    app.post<{ Params: { orderNumber: string } }>('/orders/:orderNumber/release', async (request) => {
      const order = ctx.state.findByNumber(request.params.orderNumber);
      if (order === undefined) throw orderNotFound(request.params.orderNumber);
      // Any hold: stands in for fabric's update-status RELEASE_HOLD_EXTERNAL and for the end of a hold period.
      return ctx.state.commit(applyRelease(order, ctx.nowIso(), 'any'));
    });

    app.get<{ Params: { orderNumber: string } }>('/orders/:orderNumber', async (request) => {
      const order = ctx.state.findByNumber(request.params.orderNumber);
      if (order === undefined) throw orderNotFound(request.params.orderNumber);
      return order;
    });

    // An inventory as it already is in fabric (createInventory's body, plus `channelId`, default 12); the counters it
    // uses are configured with it. An array seeds many (a catalogue for a large push) in one request.
    app.post('/inventories', async (request, reply) => {
      const seed = (raw: unknown) => {
        const { channelId, ...body } = seedBody(raw);
        return createInventoryFromBody(ctx, body, channelId ?? '12', 'seed');
      };
      return reply.code(201).send(Array.isArray(request.body) ? { inventories: request.body.map(seed) } : seed(request.body));
    });

    app.get<{ Querystring: { sku?: string; locationNumber?: string; channelId?: string } }>('/inventories', async (request) => {
      const { sku, locationNumber, channelId } = request.query;
      const inventories = ctx.inventory
        .list()
        .filter(
          (inventory) =>
            (sku === undefined || inventory.sku === sku) &&
            (locationNumber === undefined || String(inventory.locationNumber) === locationNumber) &&
            (channelId === undefined || inventory.channelId === channelId),
        );
      return { inventories };
    });
  };
}

function rawOrder(body: unknown): { orderNumber: string; orderId?: string; [key: string]: unknown } {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) throw invalidValue('body must be an order object');
  const order = body as Record<string, unknown>;
  if (typeof order['orderNumber'] !== 'string' || order['orderNumber'] === '') throw invalidValue('orderNumber is required');
  if (order['orderId'] !== undefined && typeof order['orderId'] !== 'string') throw invalidValue('orderId must be a string');
  return order as { orderNumber: string; orderId?: string };
}

function seedBody(body: unknown): { channelId?: string; [key: string]: unknown } {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) throw invalidValue('body must be an inventory object');
  const seed = body as Record<string, unknown>;
  if (seed['channelId'] !== undefined && typeof seed['channelId'] !== 'string') throw invalidValue('channelId must be a string');
  return seed as { channelId?: string };
}
