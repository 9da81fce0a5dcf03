// SDK v1 requests (`POST /<action>_v1`) as RetailOPS sends them: the credentials and channel in the body
// (integration_auth_token, client_id, channel_info.id), as the published schemas in ../shared/retailops-sdk-v1 show.
import { BENCH_TOKEN } from './services.js';

/** RetailOPS' client and channel in the SDK's examples (the services under test accept any in single-channel mode). */
const CLIENT_ID = 497;
const CHANNEL_ID = 21;

function v1Body(action: string, fields: Record<string, unknown>): Record<string, unknown> {
  return { action, version: 1, client_id: CLIENT_ID, channel_info: { id: CHANNEL_ID }, integration_auth_token: BENCH_TOKEN, ...fields };
}

/** One sku's update as RetailOPS pushes it: the top-line quantity and the facility breakdown behind it. */
export interface InventoryUpdate {
  readonly sku: string;
  readonly quantity_available: number;
  readonly quantity_detail: readonly {
    readonly quantity_type: 'internal';
    readonly facility_name: string;
    readonly available_quantity: number;
    readonly total_quantity: number;
  }[];
}

export function inventoryUpdate(sku: string, quantity: number): InventoryUpdate {
  return {
    sku,
    quantity_available: quantity,
    quantity_detail: [{ quantity_type: 'internal', facility_name: 'Main warehouse', available_quantity: quantity, total_quantity: quantity + 2 }],
  };
}

/** The JSON text of an inventory_push_v1 (serialised ahead, so that timing the request does not time JSON.stringify). */
export function inventoryPushJson(updates: readonly InventoryUpdate[]): string {
  return JSON.stringify(v1Body('inventory_push', { inventory_updates: updates }));
}

/** The JSON text of an order_cancel_v1 of the order numbered `refnum` in fabric. */
export function orderCancelJson(refnum: number): string {
  return JSON.stringify(v1Body('order_cancel', { order: { channel_order_refnum: String(refnum), retailops_order_id: String(9_000_000 + refnum) } }));
}
