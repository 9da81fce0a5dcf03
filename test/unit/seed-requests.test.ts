import { describe, expect, it } from 'vitest';
import type { z } from 'zod';
import {
  orderAckRequest,
  orderCancelRequest,
  orderCompleteRequest,
  orderFetchRequest,
  orderReturnedRequest,
  orderUpdateRequest,
} from '../../shared/retailops/seed-requests.js';
import { seedCopy, seedInput, type SeedName } from './helpers.js';

function parse<S extends z.ZodType>(schema: S, input: unknown): z.output<S> {
  const result = schema.safeParse(input);
  if (!result.success) throw new Error(`expected to parse: ${JSON.stringify(result.error.issues)}`);
  return result.data as z.output<S>;
}

/** The issue paths of a failed parse, joined with "." as the ingress reports them. */
function issuePaths(schema: z.ZodType, input: unknown): string[] {
  const result = schema.safeParse(input);
  expect(result.success).toBe(false);
  return (result.error?.issues ?? []).map((issue) => issue.path.join('.'));
}

const SCHEMAS: [SeedName, z.ZodType][] = [
  ['000-order-fetch', orderFetchRequest],
  ['000-order-ack', orderAckRequest],
  ['000-order-complete', orderCompleteRequest],
  ['000-orders-cancel', orderCancelRequest],
  ['001-order-cancel', orderCancelRequest],
  ['002-order-update', orderUpdateRequest],
  ['004-order-returned', orderReturnedRequest],
];

describe('shared/retailops/seed-requests', () => {
  it.each(SCHEMAS)('seed %s parses with its schema', (name, schema) => {
    expect(schema.safeParse(seedInput(name)).success).toBe(true);
  });

  it('order fetch (GET) normalises the query-string values', () => {
    const { data, headers, version } = parse(orderFetchRequest, seedInput('000-order-fetch'));
    expect(data.single).toBe(false);
    expect(data.order?.channel_refnum).toBe('496');
    expect(data.channel.id).toBe('21');
    expect(data.client_id).toBe('1');
    expect(data.max_page_size).toBe(50);
    expect(headers?.client_id).toBe('497');
    expect(headers?.ticket).toMatch(/^1,1,0,1456437061,/);
    expect(version).toBe('1');
  });

  it('order ack (GET) turns acks[] into a list of string ids', () => {
    const { data } = parse(orderAckRequest, seedInput('000-order-ack'));
    expect(data.order.acks).toEqual(['496']);
    expect(data.channel.id).toBe('21');
  });

  it('order ack accepts a lone acks=496 as a list', () => {
    const input = seedCopy('000-order-ack');
    input.data.order.acks = '496';
    expect(parse(orderAckRequest, input).data.order.acks).toEqual(['496']);
  });

  it('order complete normalises shipments and drops ship_items [null]', () => {
    const { data } = parse(orderCompleteRequest, seedInput('000-order-complete'));
    expect(data.order.channel_refnum).toBe('496');
    expect(data.order.id).toBe('4897');
    expect(data.order.unshipped_items_ref).toEqual(['496']);
    expect(data.order.grand_total).toBe('35');
    expect(data.order.shipments).toHaveLength(1);
    const [shipment] = data.order.shipments;
    expect(shipment?.id).toBe('100000084');
    expect(shipment?.packages).toHaveLength(1);
    expect(shipment?.packages[0]).toMatchObject({ id: '370', carrier_name: 'WillCall', tracking_number: 'ZX29827782929', ship_items: [] });
    expect(data.channel?.id).toBe('21');
  });

  it.each(['000-orders-cancel', '001-order-cancel'] as const)('cancel seed %s gives channel_refnum "496"', (name) => {
    const { data } = parse(orderCancelRequest, seedInput(name));
    expect(data.order.channel_refnum).toBe('496');
    expect(data.order.id).toBe('4897');
    expect(data.channel?.id).toBe('21');
  });

  it('order update normalises the line item (sku 132, quantity 2, not removed)', () => {
    const { data } = parse(orderUpdateRequest, seedInput('002-order-update'));
    expect(data.order.channel_refnum).toBe('496');
    expect(data.order.id).toBe('4897');
    expect(data.line_items).toHaveLength(1);
    expect(data.line_items[0]).toMatchObject({ sku: '132', quantity: 2, removed: false, unit_price: '30', corr: '7397' });
  });

  it('order returned normalises the return', () => {
    const { data } = parse(orderReturnedRequest, seedInput('004-order-returned'));
    expect(data.order.channel_refnum).toBe('496');
    expect(data.return.id).toBe('87');
    expect(data.return.items).toEqual([expect.objectContaining({ sku: '53', quantity: 1, order_item_id: '7395' })]);
    expect(data.return.credit_items_ref).toEqual([
      expect.objectContaining({ sku: '132', channel_item_refnum: '88', quantity: 1, item_credit_amt: '30', reason: 'CustomerReturn' }),
    ]);
    // The seed writes 30.0; JSON.parse makes that the number 30, so the decimal text is "30".
    expect(data.return.refund_amt).toBe('30');
    expect(data.return.refund_action).toBe('refund');
  });

  it('keeps fields the schema does not name', () => {
    const { data } = parse(orderCancelRequest, seedInput('001-order-cancel'));
    expect(data.order).toHaveProperty('ship_service_name', 'Will Call');
  });

  describe('failures', () => {
    it('cancel without data.order.channel_refnum', () => {
      const input = seedCopy('001-order-cancel');
      delete input.data.order.channel_refnum;
      expect(issuePaths(orderCancelRequest, input)).toEqual(['data.order.channel_refnum']);
    });

    it('update without data.order.channel_refnum', () => {
      const input = seedCopy('002-order-update');
      delete input.data.order.channel_refnum;
      expect(issuePaths(orderUpdateRequest, input)).toContain('data.order.channel_refnum');
    });

    it('complete with an empty channel_refnum', () => {
      const input = seedCopy('000-order-complete');
      input.data.order.channel_refnum = '';
      expect(issuePaths(orderCompleteRequest, input)).toEqual(['data.order.channel_refnum']);
    });

    it('update with no line items (empty, or only nulls)', () => {
      const input = seedCopy('002-order-update');
      input.data.line_items = [];
      expect(issuePaths(orderUpdateRequest, input)).toEqual(['data.line_items']);
      input.data.line_items = [null];
      expect(issuePaths(orderUpdateRequest, input)).toEqual(['data.line_items']);
    });

    it('update line item with a negative quantity or an unknown removed flag', () => {
      const input = seedCopy('002-order-update');
      input.data.line_items[0].quantity = -1;
      input.data.line_items[0].removed = 'yes';
      expect(issuePaths(orderUpdateRequest, input).sort()).toEqual(['data.line_items.0.quantity', 'data.line_items.0.removed']);
    });

    it('return without an id', () => {
      const input = seedCopy('004-order-returned');
      delete input.data.return.id;
      expect(issuePaths(orderReturnedRequest, input)).toEqual(['data.return.id']);
    });

    it('return without a return block', () => {
      const input = seedCopy('004-order-returned');
      delete input.data.return;
      expect(issuePaths(orderReturnedRequest, input)).toEqual(['data.return']);
    });

    it('return item with quantity 0 or a refund that is not an amount', () => {
      const input = seedCopy('004-order-returned');
      input.data.return.items[0].quantity = 0;
      input.data.return.refund_amt = 'lots';
      expect(issuePaths(orderReturnedRequest, input).sort()).toEqual(['data.return.items.0.quantity', 'data.return.refund_amt']);
    });

    it('ack without acks', () => {
      const input = seedCopy('000-order-ack');
      delete input.data.order.acks;
      expect(issuePaths(orderAckRequest, input)).toEqual(['data.order.acks']);
    });

    it('ack with only empty entries', () => {
      const input = seedCopy('000-order-ack');
      input.data.order.acks = [null];
      expect(issuePaths(orderAckRequest, input)).toEqual(['data.order.acks']);
    });

    it('fetch without data.channel.id, and with max_page_size 0', () => {
      const input = seedCopy('000-order-fetch');
      delete input.data.channel.id;
      input.data.max_page_size = '0';
      expect(issuePaths(orderFetchRequest, input).sort()).toEqual(['data.channel.id', 'data.max_page_size']);
    });

    it('an empty body names data', () => {
      expect(issuePaths(orderCancelRequest, {})).toEqual(['data']);
    });
  });
});
