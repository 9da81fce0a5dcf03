import type { ChannelAddress, ChannelOrder, ChannelPayment } from '../inbox/channel-order.js';
import { fromMinor, toMinor } from '../money.js';
import type { SeedAddress, SeedOrder } from './order-format.js';

/** ISO 3166 names as ICU has them, so every code fabric sends gets its name, not only a handful typed in here. */
const regionNames = new Intl.DisplayNames(['en'], { type: 'region', fallback: 'none' });

/** Memoised: the fetch path renders two addresses an order, and ICU's lookup is the costliest step of a render. */
const countryMatches = new Map<string, string>();

/** RetailOPS matches countries by "<code> <name>" (seed: "US United States"); an unknown code is sent alone. */
export function countryMatch(code: string): string {
  if (!code) return '';
  const known = countryMatches.get(code);
  if (known !== undefined) return known;
  const match = lookUpCountry(code);
  if (countryMatches.size < 1000) countryMatches.set(code, match);
  return match;
}

function lookUpCountry(code: string): string {
  let name: string | undefined;
  try {
    name = /^[A-Z]{2}$/.test(code) ? regionNames.of(code) : undefined;
  } catch {
    name = undefined;
  }
  return name && name !== code ? `${code} ${name}` : code;
}

/** Neither dialect has fabric's addressLine3 / addressLine4: they follow line 2, so no part of the address is lost. */
function secondLine(address: ChannelAddress): string {
  return [address.line2, address.line3, address.line4].filter((line) => line !== '').join(', ');
}

export function seedAddress(address: ChannelAddress): SeedAddress {
  return {
    first_name: address.firstName,
    last_name: address.lastName,
    company: address.company,
    address1: address.line1,
    address2: secondLine(address),
    city: address.city,
    state_match: address.region,
    postal_code: address.postalCode,
    country_match: countryMatch(address.countryCode),
  };
}

export interface PaymentPart {
  readonly transaction: 'auth' | 'charge' | 'giftcard' | 'storecredit';
  readonly amount: string;
}

/**
 * A fabric payment as the transactions RetailOPS settles: what was captured (charge) and what is authorised but not
 * yet captured (auth), each once, so the parts add up to the payment; a gift card or store credit is one transaction
 * of its own kind. Bodies stored before the split carry only `amount`, the captured-or-authorised figure.
 */
export function paymentParts(payment: ChannelPayment): PaymentPart[] {
  // The worker stored canonical two-decimal strings, so a zero test is a string test: no arithmetic on the fetch path.
  const open = payment.authorizedOpen;
  const legacy = payment.amount !== undefined && isZero(payment.captured) && isZero(open);
  const captured = legacy && payment.amount !== undefined ? payment.amount : payment.captured;
  if (payment.kind !== 'card') return [{ transaction: payment.kind, amount: isZero(open) ? captured : fromMinor(toMinor(captured) + toMinor(open)) }];
  const parts: PaymentPart[] = [];
  if (!isZero(captured)) parts.push({ transaction: 'charge', amount: captured });
  if (!isZero(open) || isZero(captured)) parts.push({ transaction: 'auth', amount: open });
  return parts;
}

export function isZero(amount: string): boolean {
  return /^-?0*(\.0*)?$/.test(amount);
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
    payment: order.payments.flatMap((payment) =>
      paymentParts(payment).map((part) => ({
        type: part.transaction,
        amount: part.amount,
        params: { channel_refnum: order.refnum, payment_type: payment.paymentType, payment_method: payment.method },
      })),
    ),
    items: order.items.map((item) => ({
      channel_refnum: item.ref,
      sku: item.sku,
      sku_title: item.title,
      quantity: item.quantity,
      unit_price: item.unitPrice,
      unit_tax: item.unitTax,
    })),
    // The seed Order has no currency and no fee field: both travel as attributes (docs/order-mapping.md), and the fee
    // is part of grand_total.
    attributes: {
      fabric_order_id: order.fabricOrderId,
      currency: order.currency,
      ...(isZero(order.feeTotal) ? {} : { fabric_fee_total: order.feeTotal }),
      ...(order.shipToCount > 1 ? { fabric_ship_to_count: String(order.shipToCount) } : {}),
      ...(order.status === undefined ? {} : { fabric_status: order.status }),
    },
  };
}
