import { describe, expect, it } from 'vitest';
import { channelEventSchema, orderAssociations, type ChannelEvent } from '../../shared/events/event.js';
import { renderEvents, type HandleDialectEvent, type StatusDialectEvent } from '../../shared/events/render.js';

const event = (overrides: Partial<ChannelEvent> = {}): ChannelEvent =>
  channelEventSchema.parse({
    id: 'job-1',
    severity: 'error',
    action: 'order_cancel',
    code: 'FABRIC_REJECTED',
    message: 'fabric refused the cancel',
    httpStatus: 409,
    requestUrl: 'https://fabric/v3/orders/order-number/496/actions/cancel',
    associations: orderAssociations('496', ['132']),
    diagnostic: { errorCode: 'ORDER-4001', attempts: 3 },
    occurredAt: '2024-01-01T00:00:00.000Z',
    ...overrides,
  });

describe('shared/events/render', () => {
  describe("'handle' dialect", () => {
    it('renders a failure', () => {
      const [rendered] = renderEvents([event()], 'handle') as HandleDialectEvent[];
      expect(rendered).toEqual({
        handle: 'channel_order_cancel_fail',
        secondary: { id: '496', concept: 'order' },
        data: {
          sub_code: '',
          status: 409,
          is_failure: 1,
          request_url: 'https://fabric/v3/orders/order-number/496/actions/cancel',
          data_items: [{ concept: 'sku', id: '132' }],
          additonal: '{"errorCode":"ORDER-4001","attempts":3}',
          code: 'FABRIC_REJECTED',
          message: 'fabric refused the cancel',
        },
      });
      expect(JSON.parse(rendered!.data.additonal)).toEqual({ errorCode: 'ORDER-4001', attempts: 3 });
    });

    it('renders a warning without http status, url or associations', () => {
      const [rendered] = renderEvents([event({ severity: 'warning', httpStatus: null, requestUrl: null, associations: [], diagnostic: {} })], 'handle') as HandleDialectEvent[];
      expect(rendered).toMatchObject({
        handle: 'channel_order_cancel_warning',
        secondary: { id: '', concept: 'order' },
        data: { status: 0, is_failure: 0, request_url: '', data_items: [], additonal: '{}' },
      });
    });
  });

  describe("'status' dialect", () => {
    it('renders a failure', () => {
      expect(renderEvents([event()], 'status')).toEqual([
        {
          status: 'error',
          error_code: 'FABRIC_REJECTED',
          error_message: 'fabric refused the cancel',
          diagnostic_data: [{ errorCode: 'ORDER-4001', attempts: 3 }],
          associations: [
            { type: 'order', identity: '496' },
            { type: 'sku', identity: '132' },
          ],
        },
      ]);
    });

    it('renders a warning with an empty diagnostic as an empty list', () => {
      const [rendered] = renderEvents([event({ severity: 'warning', diagnostic: {}, associations: [] })], 'status') as StatusDialectEvent[];
      expect(rendered).toEqual({ status: 'warning', error_code: 'FABRIC_REJECTED', error_message: 'fabric refused the cancel', diagnostic_data: [], associations: [] });
    });
  });

  it('keeps order and count in both dialects; no events render as []', () => {
    const events = [event({ id: 'a', code: 'A' }), event({ id: 'b', code: 'B' })];
    expect((renderEvents(events, 'status') as StatusDialectEvent[]).map((rendered) => rendered.error_code)).toEqual(['A', 'B']);
    expect((renderEvents(events, 'handle') as HandleDialectEvent[]).map((rendered) => rendered.data.code)).toEqual(['A', 'B']);
    expect(renderEvents([], 'handle')).toEqual([]);
    expect(renderEvents([], 'status')).toEqual([]);
  });
});
