import { describe, expect, it } from 'vitest';
import type { FabricOrder } from '../../shared/fabric/schemas.js';
import type { JobPayload } from '../../shared/jobs/contract.js';
import { paymentStateOf, planSettle } from '../../workers/settle/plan-settle.js';
import { fabricOrder } from './helpers.js';

type SettlePayload = JobPayload<'order.settle'>;

const payload = (overrides: Partial<SettlePayload> = {}): SettlePayload => ({
  refnum: '496',
  retailopsOrderId: '4897',
  amount: '121.32',
  amountFrom: 'payment_transactions',
  currency: 'USD',
  ...overrides,
});

/** Order 496 as fabric answers it, with the payments given (JSON numbers, as fabric sends amounts). */
const order = (payments: Record<string, unknown>[] | null, extra: Record<string, unknown> = {}): FabricOrder =>
  fabricOrder([{ lineItemId: '7397', sku: '132', orderedQuantity: 3 }], { statusCode: 'ORDER_SHIPPED', currency: 'USD', orderTotal: 121.32, payments, ...extra });

const card = (charged: number, extra: Record<string, unknown> = {}) => ({
  paymentMethod: 'CREDIT_CARD',
  paymentToken: { paymentType: 'VISA', token: 'tok_secret' },
  authorizedAmount: 121.32,
  chargedAmount: charged,
  currency: 'USD',
  ...extra,
});

describe('workers/settle/plan-settle', () => {
  it('settled: fabric charged exactly what RetailOPS wants, to the cent', () => {
    expect(planSettle(payload(), order([card(121.32, { paidAt: '2026-01-02T10:00:00Z', paymentStatus: 'Paid' })]))).toEqual({ kind: 'settled', captured: '121.32' });
  });

  it('sums the payments in minor units, never as floats (0.1 + 0.2 is 0.30)', () => {
    const split = [card(0.1, { paymentMethod: 'GIFT_CARD' }), card(0.2)];
    expect(planSettle(payload({ amount: '0.3' }), order(split))).toEqual({ kind: 'settled', captured: '0.30' });
    expect(planSettle(payload({ amount: '0.30', amountFrom: 'grand_total' }), order(split)).kind).toBe('settled');
  });

  it('not captured: nothing charged, with what is authorised and the status', () => {
    const plan = planSettle(payload(), order([card(0, { paymentStatus: 'Authorized' })], { statusCode: 'ORDER_CREATED' }));
    expect(plan).toMatchObject({
      kind: 'mismatch',
      code: 'PAYMENT_NOT_CAPTURED',
      reason: 'RetailOPS wants 121.32 USD settled on order 496; fabric has captured nothing (121.32 authorized), status ORDER_CREATED',
    });
  });

  it('not captured: an order fabric records no payment on, or a payment without chargedAmount', () => {
    expect(planSettle(payload(), order(null))).toMatchObject({ code: 'PAYMENT_NOT_CAPTURED', reason: expect.stringContaining('fabric has captured nothing, status') });
    expect(planSettle(payload(), order([{ paymentMethod: 'CREDIT_CARD', authorizedAmount: 121.32 }]))).toMatchObject({ code: 'PAYMENT_NOT_CAPTURED' });
  });

  it('nothing to settle and nothing captured is settled', () => {
    expect(planSettle(payload({ amount: '0' }), order(null))).toEqual({ kind: 'settled', captured: '0.00' });
  });

  it('amount mismatch: one cent either way, named with its direction', () => {
    expect(planSettle(payload(), order([card(121.31)]))).toMatchObject({
      code: 'PAYMENT_AMOUNT_MISMATCH',
      reason: 'RetailOPS wants 121.32 USD settled on order 496; fabric captured 121.31, 0.01 less',
    });
    expect(planSettle(payload({ amount: '100' }), order([card(121.32)]))).toMatchObject({
      code: 'PAYMENT_AMOUNT_MISMATCH',
      reason: 'RetailOPS wants 100.00 USD settled on order 496; fabric captured 121.32, 21.32 more',
    });
  });

  it('currency mismatch is judged before amounts: the payment’s currency, else the order’s', () => {
    expect(planSettle(payload({ currency: 'CAD' }), order([card(121.32)]))).toMatchObject({
      code: 'PAYMENT_CURRENCY_MISMATCH',
      reason: "RetailOPS wants 121.32 CAD settled on order 496; fabric's payments are in USD",
    });
    const noPaymentCurrency = order([card(121.32, { currency: undefined })], { currency: 'EUR' });
    expect(planSettle(payload(), noPaymentCurrency)).toMatchObject({ code: 'PAYMENT_CURRENCY_MISMATCH' });
    // ISO codes compare without regard to case.
    expect(planSettle(payload({ currency: 'USD' }), order([card(121.32, { currency: 'usd' })])).kind).toBe('settled');
  });

  it('payments in several currencies cannot be summed: a currency mismatch', () => {
    expect(planSettle(payload(), order([card(100), card(21.32, { currency: 'CAD' })]))).toMatchObject({
      code: 'PAYMENT_CURRENCY_MISMATCH',
      reason: expect.stringContaining('several currencies (USD, CAD)'),
    });
  });

  it('RetailOPS sent no currency: the amount is compared as in fabric’s currency', () => {
    expect(planSettle(payload({ currency: null }), order([card(121.32)], { currency: 'GBP' })).kind).toBe('settled');
  });

  it('the state it reports carries payment facts only: no token, card or address', () => {
    const state = paymentStateOf(order([card(60, { refundAmount: 21.5, paidAt: '2022-01-27T16:15:58-05:00', paymentStatus: 'Paid', billToAddress: { city: 'Seattle' } })], { invoiceTotal: 60 }));
    expect(state).toEqual({
      orderNumber: '496',
      statusCode: 'ORDER_SHIPPED',
      captured: '60.00',
      authorized: '121.32',
      currencies: ['USD'],
      invoiceTotal: '60.00',
      payments: [{ method: 'CREDIT_CARD', currency: 'USD', charged: '60.00', authorized: '121.32', refunded: '21.50', paidAt: '2022-01-27T16:15:58-05:00', paymentStatus: 'Paid' }],
    });
    expect(JSON.stringify(state)).not.toMatch(/tok_secret|Seattle/);
  });
});
