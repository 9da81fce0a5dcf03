/**
 * Every code the bridge itself puts on a channel event (docs/errors.md, "Failure event codes", documents each; a unit
 * test holds the two together). The other codes an event can carry are fabric's own: its `errorCode`, or
 * `FABRIC_HTTP_<status>` when its answer had none (workers/failure-event.ts).
 */
export const EVENT_CODES = {
  // An action RetailOPS asked for that the channel refuses (workers/action-rejected.ts).
  ORDER_NOT_FOUND: 'ORDER_NOT_FOUND',
  ORDER_NOT_CANCELLABLE: 'ORDER_NOT_CANCELLABLE',
  UPDATE_NOT_SUPPORTED: 'UPDATE_NOT_SUPPORTED',
  RETURN_NOT_ELIGIBLE: 'RETURN_NOT_ELIGIBLE',
  ITEM_NOT_FOUND: 'ITEM_NOT_FOUND',
  // order_settle_payment: fabric's payment state is not what RetailOPS wants settled (workers/settle/plan-settle.ts).
  PAYMENT_NOT_CAPTURED: 'PAYMENT_NOT_CAPTURED',
  PAYMENT_AMOUNT_MISMATCH: 'PAYMENT_AMOUNT_MISMATCH',
  PAYMENT_CURRENCY_MISMATCH: 'PAYMENT_CURRENCY_MISMATCH',
  // Warnings: nothing RetailOPS asked for failed, but it should know.
  ORDER_PARTIALLY_CANCELLED: 'ORDER_PARTIALLY_CANCELLED',
  ORDER_WITHHELD: 'ORDER_WITHHELD',
  ACTION_NOT_SUPPORTED: 'ACTION_NOT_SUPPORTED',
  PAGE_TOKEN_NOT_RECOGNISED: 'PAGE_TOKEN_NOT_RECOGNISED',
  // Inventory pushes: the skus fabric did not take, once per push (workers/inventory/push-summary.ts), and what the
  // ingress could not map (ingress/routes/v1/inventory-push.ts).
  INVENTORY_SKU_UNKNOWN: 'INVENTORY_SKU_UNKNOWN',
  INVENTORY_SKU_REFUSED: 'INVENTORY_SKU_REFUSED',
  INVENTORY_QUANTITY_MISSING: 'INVENTORY_QUANTITY_MISSING',
  INVENTORY_NOT_CONFIGURED: 'INVENTORY_NOT_CONFIGURED',
  // A call to fabric that got no usable answer (FabricError's errorCode when fabric sent none of its own).
  TIMEOUT: 'TIMEOUT',
  NETWORK_ERROR: 'NETWORK_ERROR',
  RESPONSE_TOO_LARGE: 'RESPONSE_TOO_LARGE',
  UNEXPECTED_RESPONSE: 'UNEXPECTED_RESPONSE',
  // The bridge's own trouble.
  JOB_STALLED: 'JOB_STALLED',
  INTERNAL_ERROR: 'INTERNAL_ERROR',
} as const;

export type EventCode = (typeof EVENT_CODES)[keyof typeof EVENT_CODES];
