import type { ChannelAddress, ChannelOrder } from '../inbox/channel-order.js';
import type { SeedAddress, SeedOrder } from './order-format.js';

/** RetailOPS matches countries by "<code> <name>" (seed: "US United States"). */
const COUNTRY_NAMES: Record<string, string> = {
  US: 'United States',
  CA: 'Canada',
  GB: 'United Kingdom',
  AU: 'Australia',
  DE: 'Germany',
  FR: 'France',
  MX: 'Mexico',
};

export function countryMatch(code: string): string {
  if (!code) return '';
  const name = COUNTRY_NAMES[code];
  return name ? `${code} ${name}` : code;
}

export function seedAddress(address: ChannelAddress): SeedAddress {
  return {
    first_name: address.firstName,
    last_name: address.lastName,
    company: address.company,
    address1: address.line1,
    address2: address.line2,
    city: address.city,
    state_match: address.region,
    postal_code: address.postalCode,
    country_match: countryMatch(address.countryCode),
  };
}

/** The inbox's channel order as seed 000's Order (GET /orders). */
export function toSeedOrder(order: ChannelOrder): SeedOrder {
  return {
    channel_refnum: order.refnum,
    channel_date_created: Math.floor(Date.parse(order.createdAt) / 1000),
    calc_mode: 'order',
    grand_total: order.grandTotal,
    shipping_amt: order.shippingTotal,
    tax_amt: order.taxTotal,
    discount_amt: order.discountTotal,
    gift_message: order.giftMessage,
    ip_address: order.ipAddress,
    shipcode: order.shipMethod,
    bill_addr: seedAddress(order.billTo),
    ship_addr: seedAddress(order.shipTo),
    customer: {
      email_address: order.customer.email,
      phone_number: order.customer.phone,
      first_name: order.customer.firstName,
      last_name: order.customer.lastName,
    },
    payment: order.payments.map((payment) => ({
      type: 'charge',
      amount: payment.amount,
      params: { channel_refnum: order.refnum, payment_type: payment.paymentType },
    })),
    items: order.items.map((item) => ({
      channel_refnum: item.ref,
      sku: item.sku,
      sku_title: item.title,
      quantity: item.quantity,
      unit_price: item.unitPrice,
      unit_tax: item.unitTax,
    })),
    attributes: { fabric_order_id: order.fabricOrderId, ...(order.status === undefined ? {} : { fabric_status: order.status }) },
  };
}
