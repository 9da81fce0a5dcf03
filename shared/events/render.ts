// The seeds speak two event dialects. The /orders… routes (seed 000) use the draft event.json shape
// (`handle`, `secondary`, `data`); /order_cancel, /order_update and POST /orders (returned) use the method shape
// (`status`, `error_code`, `error_message`, `diagnostic_data`, `associations`). The v1 SDK routes have a third.
import type { ChannelEvent, EventAssociation } from './event.js';

export type EventDialect = 'handle' | 'status' | 'v1';

export interface HandleDialectEvent {
  handle: string;
  secondary: { id: string; concept: string };
  data: {
    sub_code: string;
    status: number;
    is_failure: 0 | 1;
    request_url: string;
    data_items: unknown[];
    additonal: string;
    code: string;
    message: string;
  };
}

export interface StatusDialectEvent {
  status: 'error' | 'warning';
  error_code: string;
  error_message: string;
  diagnostic_data: unknown[];
  associations: { type: string; identity: string }[];
}

/** The published SDK's event (v1 routes). */
export interface V1Event {
  event_type: 'error' | 'warning' | 'info';
  code: string;
  message: string;
  diagnostic_data: string;
  associations: { identifier_type: V1IdentifierType; identifier: string }[];
}

type V1IdentifierType = 'order_id' | 'order_refnum' | 'orderitem_id' | 'orderitem_refnum' | 'shipment_id' | 'shipmentitem_id' | 'product_id' | 'sku_number';

export type RenderedEvent = HandleDialectEvent | StatusDialectEvent | V1Event;

function renderHandle(event: ChannelEvent): HandleDialectEvent {
  const primary = event.associations[0] ?? { type: 'order', id: '' };
  const extra = event.associations.slice(1);
  return {
    handle: `channel_${event.action}_${event.severity === 'error' ? 'fail' : 'warning'}`,
    secondary: { id: primary.id, concept: primary.type },
    data: {
      sub_code: '',
      status: event.httpStatus ?? 0,
      is_failure: event.severity === 'error' ? 1 : 0,
      request_url: event.requestUrl ?? '',
      data_items: extra.map((association) => ({ concept: association.type, id: association.id })),
      // "additonal" is spelled as in RetailOPS' draft event schema.
      additonal: JSON.stringify(event.diagnostic),
      code: event.code,
      message: event.message,
    },
  };
}

function renderStatus(event: ChannelEvent): StatusDialectEvent {
  return {
    status: event.severity,
    error_code: event.code,
    error_message: event.message,
    diagnostic_data: Object.keys(event.diagnostic).length > 0 ? [event.diagnostic] : [],
    associations: event.associations.map((association) => ({ type: association.type, identity: association.id })),
  };
}

/** The SDK's identifier types; an association it has no type for (a RetailOPS return id) is left out. */
const V1_IDENTIFIER_TYPES: Record<EventAssociation['type'], V1IdentifierType | null> = {
  order: 'order_refnum',
  order_refnum: 'order_refnum',
  sku: 'sku_number',
  orderitem_refnum: 'orderitem_refnum',
  shipment: 'shipment_id',
  return: null,
};

export function renderV1Event(event: ChannelEvent): V1Event {
  return {
    event_type: event.severity,
    code: event.code,
    message: event.message,
    diagnostic_data: JSON.stringify(event.diagnostic),
    associations: event.associations.flatMap((association) => {
      const type = V1_IDENTIFIER_TYPES[association.type];
      return type ? [{ identifier_type: type, identifier: association.id }] : [];
    }),
  };
}

export function renderEvents(events: readonly ChannelEvent[], dialect: EventDialect): RenderedEvent[] {
  if (dialect === 'handle') return events.map(renderHandle);
  if (dialect === 'status') return events.map(renderStatus);
  return events.map(renderV1Event);
}
