// order_settle_payment_v1: RetailOPS asks the channel to settle an order's payment. fabric captures on its own (at
// shipment, or at checkout) and has no call that captures on request, so the job reads fabric's payment state and
// reports what does not match (workers/settle/). The answer is the SDK's targetSchema: `events` only.
import type { FastifyInstance } from 'fastify';
import type { JobPayload } from '../../../shared/jobs/contract.js';
import { sumAmounts } from '../../../shared/money.js';
import { orderSettlePaymentV1Request, type OrderSettlePaymentV1Request } from '../../../shared/retailops/v1-requests.js';
import type { IngressDeps } from '../../context.js';
import { v1Credentials } from '../../credentials.js';
import { validationError } from '../../validation.js';
import { registerEnqueueWebhook } from '../../webhook.js';

type Transaction = NonNullable<OrderSettlePaymentV1Request['payment']>['payment_transactions'][number];

/**
 * The SDK: "types beginning with channel_ are delegated to the channel for processing. Other types may be handled
 * directly with the payment processor" (authorize.net). Only the channel's are fabric's to hold; a transaction that
 * names no type was still sent to the channel, so it counts as the channel's.
 */
function isChannelTransaction(transaction: Transaction): boolean {
  return transaction.payment_processing_type === undefined || transaction.payment_processing_type.startsWith('channel_');
}

/**
 * What RetailOPS wants settled on the channel: the sum of its channel transactions (decimal strings, summed in minor
 * units), else the order's grand total when no channel transaction carries an amount. Neither is a 400: there is
 * nothing to verify.
 */
export function toSettlePayloadV1(input: OrderSettlePaymentV1Request): JobPayload<'order.settle'> {
  const amounts = (input.payment?.payment_transactions ?? []).filter(isChannelTransaction).flatMap((transaction) => transaction.amount ?? []);
  const common = { refnum: input.order.channel_order_refnum, retailopsOrderId: input.order.retailops_order_id ?? null, currency: input.payment?.currency_code ?? null };
  if (amounts.length > 0) return { ...common, amount: sumAmounts(amounts), amountFrom: 'payment_transactions' };
  if (input.order.grand_total !== undefined) return { ...common, amount: input.order.grand_total, amountFrom: 'grand_total' };
  throw validationError([
    { path: 'payment.payment_transactions', message: 'must give the amount to settle: a channel_* transaction with an amount, or order.grand_total' },
  ]);
}

export function registerOrderSettlePaymentV1(app: FastifyInstance, deps: IngressDeps): void {
  registerEnqueueWebhook(app, deps, {
    url: '/order_settle_payment_v1',
    schema: orderSettlePaymentV1Request,
    dialect: 'v1',
    credentials: v1Credentials,
    kind: 'order.settle',
    toPayload: toSettlePayloadV1,
  });
}
