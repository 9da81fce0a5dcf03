// fabric's update-attributes action: a shallow merge, then removals (so a key both set and
// removed in one call ends up removed).
import { z } from 'zod';
import type { StoredOrder } from '../types.js';
import { nextRevision } from './revision.js';

export const updateAttributesRequestSchema = z.looseObject({
  attributes: z.record(z.string(), z.unknown()),
  keysToRemove: z.array(z.string()).optional(),
});

export type UpdateAttributesRequest = z.output<typeof updateAttributesRequestSchema>;

export function applyAttributeUpdate(current: StoredOrder, request: UpdateAttributesRequest, now: string): StoredOrder {
  const order = structuredClone(current);
  const attributes: Record<string, unknown> = { ...order.attributes, ...request.attributes };
  for (const key of request.keysToRemove ?? []) delete attributes[key];
  order.attributes = attributes;
  return nextRevision(order, now);
}
