import type { ChannelAddress, ChannelOrder, ChannelPayment } from '../inbox/channel-order.js';
import { toWireNumber } from '../money.js';
import { isZero, paymentParts, seedAddress } from './render-seed-order.js';
import { isV1Currency, type V1Currency } from './v1-currencies.js';

/** The seed's address fields, which the SDK keeps, plus the phone number. */
function v1Address(address: ChannelAddress) {
  return { ...seedAddress(address), phone_number: address.phone };
}

const PROCESSING = { card: 'channel_payment', giftcard: 'channel_giftcert', storecredit: 'channel_storecredit' } as const;
const TRANSACTION = { auth: 'auth', charge: 'charge', giftcard: 'giftcard', storecredit: 'charge' } as const;

function transactions(payment: ChannelPayment) {
  const named = [payment.method, payment.provider].filter((part) => part !== '').join(' via ');
  return paymentParts(payment).map((part) => ({
    payment_processing_type: PROCESSING[payment.kind],
    transaction_type: TRANSACTION[part.transaction],
    payment_type: payment.paymentType,
    amount: toWireNumber(part.amount),
    ...(named === '' ? {} : { message: `fabric ${named}` }),
  }));
}

/**
 * The inbox's channel order in the v1 SDK's order_pull shape. The SDK types amounts as JSON numbers; they are made
 * from the decimal strings only here (see shared/money.ts, toWireNumber). The order-level currency_values are what the
 * item values leave out (the SDK's definition), so no amount is counted twice: the split is made by the worker.
 */
export function toV1Order(order: ChannelOrder) {
  // The worker withholds orders in other currencies (shared/inbox/map-order.ts); a body stored before that rule is
  // left without a code rather than relabelled.
  const currency: V1Currency | undefined = isV1Currency(order.currency) ? order.currency : undefined;
  return {
    channel_order_refnum: order.refnum,
    channel_date_created: order.createdAt,
    ...(currency === undefined ? {} : { currency_code: currency }),
    currency_values: {
      shipping_amt: toWireNumber(order.shippingTotal),
      tax_amt: toWireNumber(order.orderLevelTax),
      discount_amt: toWireNumber(order.orderLevelDiscount),
    },
    // The SDK's flag for an order the channel cancelled: set when fabric cancelled it after it was offered.
    cancel: order.status === 'ORDER_CANCELLED',
    ...(order.shipMethod ? { ship_service_code: order.shipMethod } : {}),
    billing_address: v1Address(order.billTo),
    shipping_address: v1Address(order.shipTo),
    customer_info: {
      email_address: order.customer.email,
      full_name: `${order.customer.firstName} ${order.customer.lastName}`.trim(),
      phone_number: order.customer.phone,
    },
    ...(order.giftMessage === '' ? {} : { gift_message: order.giftMessage }),
    ip_address: order.ipAddress,
    payment_transactions: order.payments.flatMap(transactions),
    order_items: order.items.map((item) => ({
      channel_item_refnum: item.ref,
      sku: item.sku,
      sku_description: item.title,
      quantity: item.quantity,
      item_type: item.kind,
      currency_values: {
        unit_price: toWireNumber(item.unitPrice),
        unit_tax: toWireNumber(item.unitTax),
        // The line's discount and fee, not per unit: the SDK prefixes per-unit amounts with unit_ (docs/order-mapping.md).
        discount_amt: toWireNumber(item.discountTotal),
        ...(isZero(item.feeTotal) ? {} : { recycling_amt: toWireNumber(item.feeTotal) }),
      },
    })),
    // The SDK wants attribute values of 2 to 100 characters: an absent order id is left out, not padded.
    attributes: [
      ...(order.fabricOrderId.length >= 2 ? [{ attribute_type: 'text' as const, handle: 'fabric_order_id', value: order.fabricOrderId }] : []),
      // Neither dialect addresses items separately: RetailOPS gets the first ship-to, and this says there are more.
      ...(order.shipToCount > 1 ? [{ attribute_type: 'text' as const, handle: 'fabric_ship_to_count', value: `${order.shipToCount} ship-tos` }] : []),
    ],
    tags: [],
  };
}

export type V1Order = ReturnType<typeof toV1Order>;
