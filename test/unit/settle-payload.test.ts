import { describe, expect, it } from 'vitest';
import { toSettlePayloadV1 } from '../../ingress/routes/v1/order-settle-payment.js';
import { settlePayloadSchema } from '../../shared/jobs/contract.js';
import { orderSettlePaymentV1Request } from '../../shared/retailops/v1-requests.js';

const envelope = { action: 'order_settle_payment', version: 1, client_id: 497, channel_info: { id: 21 } };
const parse = (body: Record<string, unknown>) => orderSettlePaymentV1Request.safeParse({ ...envelope, ...body });
const settle = (body: Record<string, unknown>) => toSettlePayloadV1(orderSettlePaymentV1Request.parse({ ...envelope, ...body }));

describe('order_settle_payment_v1 request → order.settle payload', () => {
  it('sums the channel transactions as decimal strings (JSON numbers in, never added as floats)', () => {
    const payload = settle({
      order: { channel_order_refnum: 496, retailops_order_id: 4897, grand_total: 121.32 },
      payment: {
        currency_code: 'USD',
        payment_transactions: [
          { payment_processing_type: 'channel_payment', transaction_type: 'charge', amount: 0.1 },
          { payment_processing_type: 'channel_giftcert', transaction_type: 'charge', amount: 0.2 },
          // RetailOPS settles these with the processor itself: not the channel's.
          { payment_processing_type: 'authorize.net', transaction_type: 'charge', amount: 50 },
        ],
      },
    });
    expect(payload).toEqual({ refnum: '496', retailopsOrderId: '4897', amount: '0.30', amountFrom: 'payment_transactions', currency: 'USD' });
    expect(settlePayloadSchema.parse(payload)).toEqual(payload);
  });

  it('a transaction without a processing type was sent to the channel: it counts', () => {
    expect(settle({ order: { channel_order_refnum: '496' }, payment: { payment_transactions: [{ amount: '35' }] } })).toMatchObject({ amount: '35.00', currency: null });
  });

  it('falls back to the grand total when no channel transaction carries an amount', () => {
    const payload = settle({
      order: { channel_order_refnum: '496', grand_total: 30.0 },
      payment: { payment_transactions: [{ payment_processing_type: 'channel_payment' }, { payment_processing_type: 'authorize.net', amount: 5 }] },
    });
    expect(payload).toMatchObject({ amount: '30', amountFrom: 'grand_total' });
  });

  it('no amount at all is a 400 naming where to put one', () => {
    expect(() => settle({ order: { channel_order_refnum: '496' } })).toThrow(/payment\.payment_transactions: must give the amount to settle/);
  });

  it('refuses what cannot be verified: no order, a currency outside the SDK enum, a negative amount', () => {
    const paths = (body: Record<string, unknown>) => {
      const result = parse(body);
      return result.success ? [] : result.error.issues.map((issue) => issue.path.join('.'));
    };
    expect(paths({})).toEqual(['order']);
    expect(paths({ order: { channel_order_refnum: '496' }, payment: { currency_code: 'XYZ' } })).toEqual(['payment.currency_code']);
    expect(paths({ order: { channel_order_refnum: '496', grand_total: -1 } })).toEqual(['order.grand_total']);
    expect(paths({ order: { channel_order_refnum: '496' }, payment: { payment_transactions: [{ amount: '-0.01' }] } })).toEqual(['payment.payment_transactions.0.amount']);
  });
});
