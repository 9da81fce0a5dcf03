// fabric's Inventory API, as far as inventory_push needs it: create, find, find-and-update (set), find-and-adjust-
// inventory-counters (add), and the counters an inventory's `counters` must be configured as. Each handler reads the
// state, computes the next inventory with a pure operation (operations/inventory.ts) and commits it, with no await in
// between. Every changing call is in the ledger as kind `inventory`. Line numbers: fabric-inventory-openapi.yml.
import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import type { SandboxContext } from '../context.js';
import { attributesNotFound } from '../errors.js';
import { newObjectId } from '../ids.js';
import {
  adjustCounterRequestSchema,
  applyCounterAdjustment,
  applyInventoryUpdate,
  createCounterRequestSchema,
  createInventoryRequestSchema,
  findInventories,
  findInventoriesRequestSchema,
  identifyInventory,
  itemIdRequired,
  newInventory,
  notFoundFor,
  page,
  pageQuerySchema,
  unknownAttributes,
  updateInventoryRequestSchema,
  type AdjustCounterRequest,
  type UpdateInventoryRequest,
} from '../operations/inventory.js';
import type { FabricInventory } from '../types.js';
import { parseWith } from '../validation.js';
import { headerValue, trackCall } from './request-helpers.js';

/** The channel a call is made in: x-fabric-channel-id, required on every write (the gate has checked it is there). */
const channelOf = (request: FastifyRequest): string => headerValue(request, 'x-fabric-channel-id') ?? '12';

/**
 * find takes x-fabric-channel-ids (a comma-separated list) or x-fabric-channel-id (2436-2437; the parameters 22-59):
 * the list when sent, else the one channel.
 */
function channelsOf(request: FastifyRequest): string[] {
  const list = headerValue(request, 'x-fabric-channel-ids');
  return list === undefined ? [channelOf(request)] : list.split(',').map((id) => id.trim()).filter(Boolean);
}

/** The inventory a find-and-update or adjust names, in the call's channel; its 404 otherwise. */
function inventoryFor(
  ctx: SandboxContext,
  request: FastifyRequest,
  body: UpdateInventoryRequest | AdjustCounterRequest,
  kind: 'update' | 'adjust',
): FabricInventory {
  const channelId = channelOf(request);
  const stored = ctx.inventory.locate({ channelId, locationNumber: body.locationNumber, sku: body.sku });
  return identifyInventory(stored, body, channelId, notFoundFor(kind, body, channelId));
}

/**
 * Stores a new inventory. The /v3 create refuses counters and custom attributes nobody configured (404, 2359-2363);
 * a seed (/_sandbox/inventories) configures the counters it uses instead, as the state fabric would be in.
 */
export function createInventoryFromBody(ctx: SandboxContext, body: unknown, channelId: string, mode: 'create' | 'seed'): FabricInventory {
  const input = parseWith(createInventoryRequestSchema, body, 'body');
  if (mode === 'create') {
    const unknown = unknownAttributes(input, (code) => ctx.inventory.hasCounter(code));
    if (unknown.length > 0) throw attributesNotFound(unknown);
  } else {
    for (const code of Object.keys(input.counters)) {
      if (!ctx.inventory.hasCounter(code)) ctx.inventory.addCounter({ id: newObjectId(), code, name: code });
    }
  }
  // An item keeps its itemId wherever it is stocked; fabric generates one when none is sent (465-472).
  const item = ctx.inventory.itemOf(input.sku);
  if (input.itemId === undefined && item?.merchantItemId === true) throw itemIdRequired();
  const itemId = input.itemId ?? item?.itemId ?? ctx.inventory.newItemId();
  return ctx.inventory.insert({
    inventory: newInventory(input, { inventoryId: newObjectId(), itemId, channelId }, ctx.nowIso()),
    merchantItemId: input.itemId !== undefined,
  });
}

export function buildInventoryRoutes(ctx: SandboxContext): FastifyPluginAsync {
  return async (app) => {
    app.post('/inventories', async (request, reply) => {
      trackCall(ctx, request, 'inventory', null);
      return reply.code(201).send(createInventoryFromBody(ctx, request.body, channelOf(request), 'create'));
    });

    // A read: not in the ledger, and not a change for the loseNextChanges fault.
    app.post('/inventories/actions/find', async (request) => {
      const query = parseWith(pageQuerySchema, request.query, 'query');
      const body = parseWith(findInventoriesRequestSchema, request.body, 'body');
      return page(findInventories(ctx.inventory.list(), body, channelsOf(request)), query);
    });

    app.post('/inventories/actions/find-and-update', async (request) => {
      trackCall(ctx, request, 'inventory', null);
      const body = parseWith(updateInventoryRequestSchema, request.body, 'body');
      const inventory = inventoryFor(ctx, request, body, 'update');
      const unknown = unknownAttributes(body, (code) => ctx.inventory.hasCounter(code));
      if (unknown.length > 0) throw attributesNotFound(unknown);
      return ctx.inventory.commit(applyInventoryUpdate(inventory, body, ctx.nowIso()));
    });

    app.post('/inventories/actions/find-and-adjust-inventory-counters', async (request) => {
      trackCall(ctx, request, 'inventory', null);
      const body = parseWith(adjustCounterRequestSchema, request.body, 'body');
      const inventory = inventoryFor(ctx, request, body, 'adjust');
      return ctx.inventory.commit(applyCounterAdjustment(inventory, body, ctx.nowIso()));
    });

    app.get('/inventory-counters', async (request) => page(ctx.inventory.counters(), parseWith(pageQuerySchema, request.query, 'query')));

    app.post('/inventory-counters', async (request, reply) => {
      trackCall(ctx, request, 'inventory', null);
      const body = parseWith(createCounterRequestSchema, request.body, 'body');
      return reply.code(201).send(ctx.inventory.addCounter({ id: newObjectId(), ...body }));
    });
  };
}
