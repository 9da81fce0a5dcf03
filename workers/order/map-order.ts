import type { FabricAddress, FabricOrder } from '../../shared/fabric/schemas.js';
import type { ChannelAddress, ChannelOrder } from '../../shared/inbox/channel-order.js';
import { fromMinor, sumAmounts, toDecimal, toMinor } from '../../shared/money.js';
import { activeQuantity } from '../order-lines.js';

function address(source: FabricAddress | undefined, company: string): ChannelAddress {
  return {
    firstName: source?.name?.firstName ?? '',
    lastName: source?.name?.lastName ?? '',
    company,
    line1: source?.addressLine1 ?? '',
    line2: source?.addressLine2 ?? '',
    city: source?.city ?? '',
    region: source?.region ?? '',
    postalCode: source?.postalCode ?? '',
    countryCode: (source?.countryCode ?? '').toUpperCase(),
    phone: source?.phone?.number ?? '',
  };
}

function text(value: unknown): string {
  return typeof value === 'string' ? value : '';
}

/** fabric order → the inbox's channel order. Amounts become decimal strings here, the one place fabric's are read. */
export function toChannelOrder(order: FabricOrder): ChannelOrder {
  const shipTo = order.shipInfo[0];
  const company = order.customer?.company ?? '';
  const billTo = order.payments.find((payment) => payment.billToAddress)?.billToAddress ?? shipTo?.shipToAddress;
  const created = Date.parse(order.orderedAt ?? order.createdAt ?? '');
  return {
    refnum: order.orderNumber,
    // The spec does not require orderId; the order number is the key RetailOPS and the bridge use.
    fabricOrderId: order.orderId ?? '',
    status: order.statusCode,
    createdAt: new Date(Number.isNaN(created) ? 0 : created).toISOString(),
    currency: order.currency ?? 'USD',
    grandTotal: toDecimal(order.orderTotal ?? 0),
    shippingTotal: sumAmounts(order.shipInfo.map((info) => info.shipToPrice ?? 0)),
    taxTotal: toDecimal(order.taxTotal ?? 0),
    discountTotal: toDecimal(order.orderDiscount ?? 0),
    giftMessage: text(shipTo?.attributes?.['giftMessage']) || text(order.attributes['giftMessage']),
    ipAddress: text(order.attributes['ipAddress']),
    shipMethod: shipTo?.shipMethod ?? '',
    billTo: address(billTo, company),
    shipTo: address(shipTo?.shipToAddress, company),
    customer: {
      email: order.customer?.email ?? shipTo?.shipToAddress?.email ?? '',
      phone: order.customer?.phone?.number ?? '',
      firstName: order.customer?.name?.firstName ?? '',
      lastName: order.customer?.name?.lastName ?? '',
    },
    payments: order.payments.map((payment) => ({
      method: payment.paymentMethod ?? '',
      paymentType: payment.paymentToken?.paymentType ?? payment.paymentMethod ?? '',
      amount: toDecimal(payment.chargedAmount ?? payment.authorizedAmount ?? 0),
    })),
    items: order.items
      .filter((item) => activeQuantity(item) > 0)
      .map((item) => ({
        ref: item.lineItemId,
        sku: item.sku,
        title: item.itemName ?? item.sku,
        quantity: activeQuantity(item),
        unitPrice: toDecimal(item.itemUnitPrice ?? 0),
        unitTax: fromMinor(toMinor(item.itemTaxTotal ?? 0) / BigInt(Math.max(item.orderedQuantity, 1))),
      })),
  };
}
