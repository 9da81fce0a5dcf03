import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fabricOrderSchema } from '../../shared/fabric/schemas.js';
import { fromMinor, toMinor } from '../../shared/money.js';
import { toSeedOrder } from '../../shared/retailops/render-seed-order.js';
import { toV1Order, type V1Order } from '../../shared/retailops/render-v1-order.js';
import type { SeedOrder } from '../../shared/retailops/order-format.js';
import { V1_CURRENCIES } from '../../shared/retailops/v1-currencies.js';
import { OrderWithheldError, toChannelOrder } from '../../shared/inbox/map-order.js';
import { schemaErrors, sdkActions } from '../harness/json-schema.js';

/**
 * Issue 11: for every order, the amounts RetailOPS receives add up to fabric's orderTotal to the cent, in both dialects,
 * and the payments cover it as fabric records them. Orders are generated in fabric's shape (several lines, quantities,
 * cancelled and shipped units, discounts on items, order and shipping, item fees, item and shipping tax, several
 * payments of each kind) with fabric's totals computed from their parts, as fabric's spec defines them.
 */

const cents = (value: bigint) => Number(fromMinor(value));
const wire = (value: number) => toMinor(value);

interface Generated {
  readonly order: Record<string, unknown>;
  readonly total: bigint;
  readonly paid: bigint;
}

const lineArb = fc
  .record({
    price: fc.integer({ min: 0, max: 200_000 }),
    ordered: fc.integer({ min: 1, max: 12 }),
    cancelledShare: fc.double({ min: 0, max: 1, noNaN: true }),
    shippedShare: fc.double({ min: 0, max: 1, noNaN: true }),
    tax: fc.integer({ min: 0, max: 9_999 }),
    discountShare: fc.double({ min: 0, max: 0.5, noNaN: true }),
    fee: fc.integer({ min: 0, max: 500 }),
    type: fc.constantFrom('WEB_SHIP', 'WEB_SHIP', 'WEB_PICKUP', 'GIFT_CARD', 'WEB_SDD'),
    shipTo: fc.nat(2),
  });

const paymentArb = fc.record({
  share: fc.integer({ min: 1, max: 10 }),
  kind: fc.constantFrom(
    { method: 'CREDIT_CARD', paymentType: 'VISA' },
    { method: 'CREDIT_CARD', paymentType: 'MASTERCARD' },
    { method: 'GIFT_CARD', paymentType: 'GIFT_CARD' },
    { method: 'STORE_CREDIT', paymentType: 'STORE_CREDIT' },
    { method: 'PAYPAL', paymentType: 'PAYPAL' },
  ),
  capturedShare: fc.constantFrom(0, 0.5, 1),
});

const orderArb: fc.Arbitrary<Generated> = fc
  .record({
    currency: fc.constantFrom(...V1_CURRENCIES),
    lines: fc.array(lineArb, { minLength: 1, maxLength: 6 }),
    shipTos: fc.array(fc.record({ price: fc.integer({ min: 0, max: 3_000 }), discountShare: fc.double({ min: 0, max: 1, noNaN: true }), tax: fc.integer({ min: 0, max: 300 }) }), { minLength: 1, maxLength: 3 }),
    orderLevelDiscount: fc.integer({ min: 0, max: 2_000 }),
    payments: fc.array(paymentArb, { minLength: 1, maxLength: 3 }),
  })
  .map(({ currency, lines, shipTos, orderLevelDiscount, payments }) => {
    let gross = 0n;
    let itemTax = 0n;
    let itemDiscount = 0n;
    let itemFee = 0n;
    const items = lines.map((line, index) => {
      const cancelled = Math.floor(line.cancelledShare * line.ordered);
      const active = line.ordered - cancelled;
      const shipped = Math.floor(line.shippedShare * active);
      const lineGross = BigInt(line.price) * BigInt(active);
      // fabric recalculates a line's amounts when units are cancelled: a fully cancelled line carries none.
      const tax = active === 0 ? 0n : BigInt(line.tax);
      const discount = active === 0 ? 0n : BigInt(Math.floor(Number(lineGross) * line.discountShare));
      const fee = active === 0 ? 0n : BigInt(line.fee);
      gross += lineGross;
      itemTax += tax;
      itemDiscount += discount;
      itemFee += fee;
      return {
        itemId: index + 1,
        lineItemId: `L${index + 1}`,
        lineItemNumber: index + 1,
        shipToId: `S${line.shipTo % shipTos.length}`,
        sku: `SKU-${index}`,
        itemName: `Item ${index}`,
        type: line.type,
        itemUnitPrice: cents(BigInt(line.price)),
        orderedQuantity: line.ordered,
        cancelledQuantity: cancelled,
        shippedQuantity: shipped,
        itemSubtotal: cents(lineGross),
        itemTaxTotal: cents(tax),
        itemDiscountsTotal: cents(discount),
        itemFeeTotal: cents(fee),
      };
    });
    let shipping = 0n;
    let shippingDiscount = 0n;
    let shippingTax = 0n;
    const shipInfo = shipTos.map((shipTo, index) => {
      const discount = BigInt(Math.floor(shipTo.price * shipTo.discountShare));
      shipping += BigInt(shipTo.price);
      shippingDiscount += discount;
      shippingTax += BigInt(shipTo.tax);
      return {
        shipToId: `S${index}`,
        shipToType: index === 2 ? 'BOPIS' : 'SHIP_TO_ADDRESS',
        shipMethod: 'Ground',
        shipToPrice: cents(BigInt(shipTo.price)),
        shipToDiscount: cents(discount),
        shipToTaxTotal: cents(BigInt(shipTo.tax)),
        shipToAddress: { addressLine1: `${index} Main St`, addressLine3: 'Floor 7', city: 'Seattle', countryCode: 'US' },
      };
    });
    const orderLevel = BigInt(Math.min(orderLevelDiscount, Number(gross - itemDiscount)));
    const orderDiscount = itemDiscount + orderLevel;
    const taxTotal = itemTax + shippingTax;
    const total = gross + shipping + taxTotal + itemFee - orderDiscount - shippingDiscount;
    // The payments split the total by their shares, the last taking the rounding; a card may be captured in part.
    const shares = payments.reduce((sum, payment) => sum + payment.share, 0);
    let left = total;
    const fabricPayments = payments.map((payment, index) => {
      const amount = index === payments.length - 1 ? left : (total * BigInt(payment.share)) / BigInt(shares);
      left -= amount;
      const { method, paymentType } = payment.kind;
      const captured = method === 'CREDIT_CARD' || method === 'PAYPAL' ? BigInt(Math.floor(Number(amount) * payment.capturedShare)) : amount;
      return {
        paymentCounter: index + 1,
        paymentMethod: method,
        paymentToken: { paymentType, token: `tok-${index}` },
        authorizedAmount: cents(amount),
        chargedAmount: cents(captured),
        currency,
      };
    });
    const order = {
      orderNumber: 'P-1',
      orderId: '5349b4ddd2781d08c09890f4',
      channelId: '12',
      version: 1,
      statusCode: 'ORDER_CREATED',
      currency,
      createdAt: '2024-01-01T00:00:00.000Z',
      items,
      shipInfo,
      payments: fabricPayments,
      orderSubtotal: cents(gross),
      orderDiscount: cents(orderDiscount),
      taxTotal: cents(taxTotal),
      feeTotal: cents(itemFee),
      orderTotal: cents(total),
      attributes: {},
    };
    return { order, total, paid: total };
  });

/** Seed 000's Order: items, then the order's shipping, tax and fees (an attribute: no field), less its discount. */
export function seedSum(order: SeedOrder): bigint {
  const items = order.items.reduce((sum, item) => sum + toMinor(item.unit_price) * BigInt(item.quantity), 0n);
  return items + toMinor(order.shipping_amt) + toMinor(order.tax_amt) + toMinor(order.attributes['fabric_fee_total'] ?? '0') - toMinor(order.discount_amt);
}

/** The SDK's order: every item value, then the order-level values, which are "not included in the item values". */
export function v1Sum(order: V1Order): bigint {
  const items = order.order_items.reduce((sum, item) => {
    const values = item.currency_values;
    const quantity = BigInt(item.quantity);
    return sum + wire(values.unit_price) * quantity + wire(values.unit_tax) * quantity - wire(values.discount_amt) + wire(values.recycling_amt ?? 0);
  }, 0n);
  const order_ = order.currency_values;
  return items + wire(order_.shipping_amt) + wire(order_.tax_amt) - wire(order_.discount_amt);
}

const pullAction = sdkActions().find((action) => action.name === 'order_pull_v1');
if (pullAction === undefined) throw new Error('order_pull_v1.json missing from test/fixtures/retailops-sdk-v1');
const pullSchema = pullAction.targetSchema;

describe('every rendered order reconciles with fabric (property)', () => {
  it('items + shipping + tax + fees − discounts = orderTotal, and payments cover it, in both dialects', () => {
    fc.assert(
      fc.property(orderArb, ({ order, total, paid }) => {
        const channel = toChannelOrder(fabricOrderSchema.parse(order));
        const seed = toSeedOrder(channel);
        const v1 = toV1Order(channel);
        expect(toMinor(seed.grand_total)).toBe(total);
        expect(seedSum(seed)).toBe(total);
        expect(v1Sum(v1)).toBe(total);
        expect(seed.payment.reduce((sum, payment) => sum + toMinor(payment.amount), 0n)).toBe(paid);
        expect(v1.payment_transactions.reduce((sum, payment) => sum + wire(payment.amount), 0n)).toBe(paid);
        // No per-unit tax is larger than its share, and none is lost: the remainder is in the order-level tax.
        for (const item of channel.items) expect(toMinor(item.unitTax) * BigInt(item.quantity) <= toMinor(item.taxTotal)).toBe(true);
        expect(schemaErrors(pullSchema, { next_page_token: '', orders: [v1] })).toEqual([]);
      }),
      { numRuns: 300 },
    );
  });

  it('fails when tax is counted twice: the order-level tax_amt may not repeat the items\' tax', () => {
    fc.assert(
      fc.property(orderArb, ({ order, total }) => {
        const channel = toChannelOrder(fabricOrderSchema.parse(order));
        const doubled = toV1Order({ ...channel, orderLevelTax: channel.taxTotal });
        const itemTax = channel.items.reduce((sum, item) => sum + toMinor(item.unitTax) * BigInt(item.quantity), 0n);
        expect(v1Sum(doubled) === total).toBe(itemTax === 0n);
      }),
      { numRuns: 100 },
    );
  });

  it('an order whose amounts do not add up, or whose payments do not cover it, is withheld, not sent', () => {
    fc.assert(
      fc.property(orderArb, fc.constantFrom(-1, 1), fc.boolean(), ({ order }, delta, payments) => {
        const broken: Record<string, unknown> = payments
          ? { ...order, payments: (order['payments'] as { authorizedAmount: number; chargedAmount: number }[]).map((payment) => ({ ...payment, authorizedAmount: 0, chargedAmount: 0 })) }
          : { ...order, orderTotal: cents(toMinor(order['orderTotal'] as number) + BigInt(delta)) };
        const total = toMinor(broken['orderTotal'] as number);
        if (payments && total === 0n) return;
        expect(() => toChannelOrder(fabricOrderSchema.parse(broken))).toThrow(OrderWithheldError);
      }),
      { numRuns: 100 },
    );
  });
});

describe('order mapping rules', () => {
  const base = (overrides: Record<string, unknown> = {}) =>
    fabricOrderSchema.parse({
      orderNumber: 'R-1',
      statusCode: 'ORDER_CREATED',
      currency: 'USD',
      items: [{ lineItemId: 'l1', sku: 'A', orderedQuantity: 3, itemUnitPrice: 10, itemTaxTotal: 1 }],
      shipInfo: [{ shipToId: 's', shipToPrice: 5, shipToTaxTotal: 0.5 }],
      taxTotal: 1.5,
      orderTotal: 36.5,
      ...overrides,
    });

  it('splits tax exactly: 1.00 over 3 units is 0.33 a unit, and the cent left goes to the order-level tax with the shipping tax', () => {
    const channel = toChannelOrder(base());
    expect(channel.items[0]?.unitTax).toBe('0.33');
    expect(channel.orderLevelTax).toBe('0.51');
    expect(toV1Order(channel).currency_values).toEqual({ shipping_amt: 5, tax_amt: 0.51, discount_amt: 0 });
  });

  it('withholds a currency outside the SDK enum rather than relabelling it, and an order without a currency', () => {
    expect(() => toChannelOrder(base({ currency: 'SEK' }))).toThrow(/SEK is outside/);
    expect(() => toChannelOrder(base({ currency: null }))).toThrow(/no currency/);
  });

  it('renders authorised and captured amounts apart, gift cards and store credit as their own payments', () => {
    const channel = toChannelOrder(
      base({
        payments: [
          { paymentMethod: 'CREDIT_CARD', paymentProvider: 'stripe', paymentToken: { paymentType: 'VISA' }, authorizedAmount: 20, chargedAmount: 6.5 },
          { paymentMethod: 'GIFT_CARD', authorizedAmount: 10, chargedAmount: 10 },
          { paymentMethod: 'STORE_CREDIT', chargedAmount: 6.5 },
        ],
      }),
    );
    expect(toV1Order(channel).payment_transactions).toEqual([
      { payment_processing_type: 'channel_payment', transaction_type: 'charge', payment_type: 'VISA', amount: 6.5, message: 'fabric CREDIT_CARD via stripe' },
      { payment_processing_type: 'channel_payment', transaction_type: 'auth', payment_type: 'VISA', amount: 13.5, message: 'fabric CREDIT_CARD via stripe' },
      { payment_processing_type: 'channel_giftcert', transaction_type: 'giftcard', payment_type: 'GIFT_CARD', amount: 10, message: 'fabric GIFT_CARD' },
      { payment_processing_type: 'channel_storecredit', transaction_type: 'charge', payment_type: 'STORE_CREDIT', amount: 6.5, message: 'fabric STORE_CREDIT' },
    ]);
    expect(toSeedOrder(channel).payment.map((payment) => [payment.type, payment.amount])).toEqual([
      ['charge', '6.50'],
      ['auth', '13.50'],
      ['giftcard', '10.00'],
      ['storecredit', '6.50'],
    ]);
  });

  it('types items by what RetailOPS does with them: pickups and shipped lines are advisory', () => {
    const channel = toChannelOrder(
      base({
        items: [
          { lineItemId: 'a', sku: 'A', orderedQuantity: 1, itemUnitPrice: 10, shipToId: 's' },
          { lineItemId: 'b', sku: 'B', orderedQuantity: 1, itemUnitPrice: 10, type: 'WEB_PICKUP' },
          { lineItemId: 'c', sku: 'C', orderedQuantity: 1, itemUnitPrice: 10, shippedQuantity: 1 },
        ],
        taxTotal: 0.5,
        orderTotal: 35.5,
      }),
    );
    expect(toV1Order(channel).order_items.map((item) => item.item_type)).toEqual(['ship', 'advisory', 'advisory']);
  });

  it('renders fabric\'s "[]" gift message as no message, and a list as its lines', () => {
    const empty = toChannelOrder(base({ shipInfo: [{ shipToId: 's', shipToPrice: 5, attributes: { giftMessage: '[]' } }] }));
    expect(toSeedOrder(empty).gift_message).toBe('');
    expect(toV1Order(empty)).not.toHaveProperty('gift_message');
    const text = toChannelOrder(base({ shipInfo: [{ shipToId: 's', shipToPrice: 5, attributes: { giftMessage: '["Happy", "Birthday"]' } }] }));
    expect(toSeedOrder(text).gift_message).toBe('Happy\nBirthday');
  });

  it('fills the address from every line fabric has, names any country, and says when items go to several ship-tos', () => {
    const channel = toChannelOrder(
      base({
        items: [
          { lineItemId: 'a', sku: 'A', orderedQuantity: 1, itemUnitPrice: 10, shipToId: 's1' },
          { lineItemId: 'b', sku: 'B', orderedQuantity: 1, itemUnitPrice: 10, shipToId: 's2' },
        ],
        shipInfo: [
          { shipToId: 's1', shipToPrice: 5, shipToAddress: { addressLine1: 'Hauptstr. 1', addressLine2: 'Hinterhaus', addressLine3: '3. OG', addressLine4: 'c/o Muster', countryCode: 'de' } },
          { shipToId: 's2', shipToPrice: 0, shipToAddress: { addressLine1: 'Elsewhere 2', countryCode: 'JP' } },
        ],
        taxTotal: 0,
        orderTotal: 25,
      }),
    );
    const seed = toSeedOrder(channel);
    expect(seed.ship_addr).toMatchObject({ address1: 'Hauptstr. 1', address2: 'Hinterhaus, 3. OG, c/o Muster', country_match: 'DE Germany' });
    expect(seed.attributes['fabric_ship_to_count']).toBe('2');
    expect(toV1Order(channel).attributes).toContainEqual({ attribute_type: 'text', handle: 'fabric_ship_to_count', value: '2 ship-tos' });
  });
});
