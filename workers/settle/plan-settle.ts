import { EVENT_CODES, type EventCode } from '../../shared/events/codes.js';
import type { FabricOrder } from '../../shared/fabric/schemas.js';
import type { JobPayload } from '../../shared/jobs/contract.js';
import { fromMinor, toMinor, type Decimal } from '../../shared/money.js';

/**
 * fabric's payment state of one order, as the bridge reads it and as a mismatch event's diagnostic carries it
 * (amounts as two-decimal strings). Only payment facts: no token, card or bill-to address.
 */
export interface FabricPaymentState {
  readonly orderNumber: string;
  readonly statusCode: string;
  /** Σ payments[].chargedAmount: what fabric reports as charged (docs/fabric.md, "order_settle_payment"). */
  readonly captured: Decimal;
  readonly authorized: Decimal;
  /** The currency each payment is in (its own, else the order's); empty when fabric names none. */
  readonly currencies: readonly string[];
  /** What fabric's Invoice service captured; null when fabric reports none (a third party captures). */
  readonly invoiceTotal: Decimal | null;
  readonly payments: readonly {
    readonly method: string | null;
    readonly currency: string | null;
    readonly charged: Decimal;
    readonly authorized: Decimal;
    readonly refunded: Decimal | null;
    readonly paidAt: string | null;
    readonly paymentStatus: string | null;
  }[];
}

export type SettlePlan =
  | { readonly kind: 'settled'; readonly captured: Decimal }
  | { readonly kind: 'mismatch'; readonly code: EventCode; readonly reason: string; readonly state: FabricPaymentState };

const cents = (value: number | undefined): Decimal => fromMinor(toMinor(value ?? 0));

export function paymentStateOf(order: FabricOrder): FabricPaymentState {
  const payments = order.payments.map((payment) => ({
    method: payment.paymentMethod ?? null,
    currency: (payment.currency ?? order.currency)?.toUpperCase() ?? null,
    charged: cents(payment.chargedAmount),
    authorized: cents(payment.authorizedAmount),
    refunded: payment.refundAmount === undefined ? null : cents(payment.refundAmount),
    paidAt: payment.paidAt ?? null,
    paymentStatus: payment.paymentStatus ?? null,
  }));
  const total = (pick: (payment: (typeof payments)[number]) => Decimal) => fromMinor(payments.reduce((sum, payment) => sum + toMinor(pick(payment)), 0n));
  const named = payments.length > 0 ? payments.map((payment) => payment.currency) : [order.currency?.toUpperCase() ?? null];
  return {
    orderNumber: order.orderNumber,
    statusCode: order.statusCode,
    captured: total((payment) => payment.charged),
    authorized: total((payment) => payment.authorized),
    currencies: [...new Set(named.filter((currency) => currency !== null))],
    invoiceTotal: order.invoiceTotal === undefined ? null : cents(order.invoiceTotal),
    payments,
  };
}

/**
 * Whether fabric holds what RetailOPS wants settled: the order's payments are in RetailOPS' currency, and what they
 * were charged adds up to RetailOPS' amount to the cent. fabric captures at shipment (or at checkout) on its own and
 * has no call that captures on request, so a mismatch is reported, never corrected (docs/fabric.md).
 */
export function planSettle(payload: JobPayload<'order.settle'>, order: FabricOrder): SettlePlan {
  const state = paymentStateOf(order);
  const mismatch = (code: EventCode, reason: string): SettlePlan => ({ kind: 'mismatch', code, reason, state });
  const wanted = `${fromMinor(toMinor(payload.amount))}${payload.currency ? ` ${payload.currency}` : ''}`;
  const intro = `RetailOPS wants ${wanted} settled on order ${payload.refnum}`;
  // Amounts in two currencies cannot be compared, nor summed: the currency is judged first.
  if (state.currencies.length > 1) {
    return mismatch(EVENT_CODES.PAYMENT_CURRENCY_MISMATCH, `${intro}; fabric's payments are in several currencies (${state.currencies.join(', ')})`);
  }
  const [fabricCurrency] = state.currencies;
  if (payload.currency !== null && fabricCurrency !== undefined && fabricCurrency !== payload.currency.toUpperCase()) {
    return mismatch(EVENT_CODES.PAYMENT_CURRENCY_MISMATCH, `${intro}; fabric's payments are in ${fabricCurrency}`);
  }
  const captured = toMinor(state.captured);
  const difference = captured - toMinor(payload.amount);
  if (difference === 0n) return { kind: 'settled', captured: state.captured };
  if (captured === 0n) {
    const authorized = toMinor(state.authorized) > 0n ? ` (${state.authorized} authorized)` : '';
    return mismatch(EVENT_CODES.PAYMENT_NOT_CAPTURED, `${intro}; fabric has captured nothing${authorized}, status ${state.statusCode}`);
  }
  const by = fromMinor(difference < 0n ? -difference : difference);
  return mismatch(
    EVENT_CODES.PAYMENT_AMOUNT_MISMATCH,
    `${intro}; fabric captured ${state.captured}, ${by} ${difference < 0n ? 'less' : 'more'}`,
  );
}
