import type { ChannelAddress, ChannelOrder } from '../inbox/channel-order.js';
import { toWireNumber } from '../money.js';
import { seedAddress } from './render-seed-order.js';

/** Currencies the SDK's `currency_code` enum allows. */
const V1_CURRENCIES = ['AUD', 'CAD', 'CHF', 'EUR', 'GBP', 'HKD', 'JPY', 'MXN', 'NZD', 'PLN', 'SGD', 'USD'] as const;
type V1Currency = (typeof V1_CURRENCIES)[number];

/** The seed's address fields, which the SDK keeps, plus the phone number. */
function v1Address(address: ChannelAddress) {
  return { ...seedAddress(address), phone_number: address.phone };
}

/**
 * The inbox's channel order in the v1 SDK's order_pull shape. The SDK types amounts as JSON numbers; they are made
 * from the decimal strings only here (see shared/money.ts, toWireNumber).
 */
export function toV1Order(order: ChannelOrder) {
  const currency = (V1_CURRENCIES as readonly string[]).includes(order.currency) ? (order.currency as V1Currency) : 'USD';
  return {
    channel_order_refnum: order.refnum,
    channel_date_created: order.createdAt,
    currency_code: currency,
    currency_values: {
      shipping_amt: toWireNumber(order.shippingTotal),
      tax_amt: toWireNumber(order.taxTotal),
      discount_amt: toWireNumber(order.discountTotal),
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
    gift_message: order.giftMessage,
    ip_address: order.ipAddress,
    payment_transactions: order.payments.map((payment) => ({
      payment_processing_type: 'channel_payment' as const,
      transaction_type: 'charge' as const,
      payment_type: payment.paymentType,
      amount: toWireNumber(payment.amount),
    })),
    order_items: order.items.map((item) => ({
      channel_item_refnum: item.ref,
      sku: item.sku,
      sku_description: item.title,
      quantity: item.quantity,
      item_type: 'ship' as const,
      currency_values: { unit_price: toWireNumber(item.unitPrice), unit_tax: toWireNumber(item.unitTax) },
    })),
    attributes: [{ attribute_type: 'text' as const, handle: 'fabric_order_id', value: order.fabricOrderId }],
    tags: [],
  };
}

export type V1Order = ReturnType<typeof toV1Order>;
