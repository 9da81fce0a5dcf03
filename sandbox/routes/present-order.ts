// fabric's order document has no shipments: they live in its Shipments service (POST /shipments/search). The
// sandbox keeps them on its order record so that returns can be checked against them, and takes them off every
// /v3 answer here, so that no caller can come to rely on a field real fabric never sends.
import type { FastifyInstance } from 'fastify';
import type { StoredOrder } from '../types.js';

type OrderDocument = Omit<StoredOrder, 'shipments'>;

function isOrderRecord(value: unknown): value is StoredOrder {
  return value !== null && typeof value === 'object' && 'orderNumber' in value && 'shipments' in value && 'items' in value;
}

function present(order: StoredOrder): OrderDocument {
  const { shipments: _kept, ...document } = order;
  return document;
}

/** Presents orders (alone, or a search page's `data`) as fabric's order schema has them. */
export function installOrderPresenter(v3: FastifyInstance): void {
  v3.addHook('preSerialization', async (_request, _reply, payload: unknown) => {
    if (isOrderRecord(payload)) return present(payload);
    if (payload !== null && typeof payload === 'object' && 'data' in payload && Array.isArray(payload.data)) {
      return { ...payload, data: payload.data.map((entry: unknown) => (isOrderRecord(entry) ? present(entry) : entry)) };
    }
    return payload;
  });
}
