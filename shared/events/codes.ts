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
  // Warnings: nothing RetailOPS asked for failed, but it should know.
  ORDER_PARTIALLY_CANCELLED: 'ORDER_PARTIALLY_CANCELLED',
  ORDER_WITHHELD: 'ORDER_WITHHELD',
  ACTION_NOT_SUPPORTED: 'ACTION_NOT_SUPPORTED',
  PAGE_TOKEN_NOT_RECOGNISED: 'PAGE_TOKEN_NOT_RECOGNISED',
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
