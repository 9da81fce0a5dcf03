// The orders the sandbox starts with (and returns to on reset). Order 496 mirrors the RetailOPS
// seed examples: fetch (496), cancel (line 496), update lowering line 7397 from 3 to 2 (an
// item-level cancel), and return of line 7395, which is therefore already shipped. 497 and 498
// are plain new orders so order fetch can page. Ids are fixed so tests and demos can name them.
import type { SandboxOrderInput } from './order-input.js';
import { computeOrderTotals, type TotalsItem } from './totals.js';

interface Person {
  firstName: string;
  lastName: string;
  email: string;
  phone: string;
  company?: string;
  address: { addressLine1: string; addressLine2?: string; city: string; region: string; postalCode: string };
  /** fabric's address requires a location (orders.address: latitude, longitude, type). */
  location: { latitude: number; longitude: number };
}

interface DemoItem extends TotalsItem {
  lineItemId: string;
  lineItemNumber: number;
  sku: string;
  itemName: string;
  shippedQuantity?: number;
}

interface DemoSpec {
  orderNumber: string;
  createdAt: string;
  person: Person;
  shipMethod: string;
  shipToPrice: number;
  giftMessage?: string;
  attributes: Record<string, unknown>;
  items: DemoItem[];
}

/** 24 hex characters ending in the (numeric) order number, so a demo order's id is recognisable. */
export const demoOrderId = (orderNumber: string): string => `5f0de${orderNumber.padStart(19, '0')}`;

function address(person: Person): Record<string, unknown> {
  return {
    ...person.address,
    countryCode: 'US',
    ...person.location,
    type: 'Home',
    name: { firstName: person.firstName, lastName: person.lastName },
    phone: { number: person.phone },
    email: person.email,
  };
}

function toOrderInput(spec: DemoSpec): SandboxOrderInput {
  const totals = computeOrderTotals(spec.items, [{ shipToPrice: spec.shipToPrice }]);
  const shipToAddress = address(spec.person);
  return {
    orderId: demoOrderId(spec.orderNumber),
    orderNumber: spec.orderNumber,
    channelId: '12',
    currency: 'USD',
    createdAt: spec.createdAt,
    orderedAt: spec.createdAt,
    updatedAt: spec.createdAt,
    customer: {
      name: { firstName: spec.person.firstName, lastName: spec.person.lastName },
      email: spec.person.email,
      phone: { number: spec.person.phone, type: 'MOBILE' },
      ...(spec.person.company === undefined ? {} : { company: spec.person.company }),
    },
    items: spec.items.map((item) => ({
      lineItemId: item.lineItemId,
      lineItemNumber: item.lineItemNumber,
      sku: item.sku,
      itemName: item.itemName,
      itemUnitPrice: item.itemUnitPrice,
      orderedQuantity: item.orderedQuantity,
      shippedQuantity: item.shippedQuantity ?? 0,
      itemTaxTotal: item.itemTaxTotal ?? 0,
      itemDiscountsTotal: item.itemDiscountsTotal ?? 0,
    })),
    shipInfo: [
      {
        shipToId: `st-${spec.orderNumber}`,
        shipMethod: spec.shipMethod,
        shipToPrice: spec.shipToPrice,
        shipToAddress,
        attributes: spec.giftMessage === undefined ? {} : { giftMessage: spec.giftMessage },
      },
    ],
    payments: [
      {
        paymentCounter: 1,
        paymentMethod: 'CREDIT_CARD',
        paymentToken: { paymentType: 'VISA', token: 'tok_demo' },
        // Captured at checkout: paidAt is then the merchant's value at creation (orders.orderPayment.paidAt).
        authorizedAmount: totals.orderTotal,
        chargedAmount: totals.orderTotal,
        paidAt: spec.createdAt,
        paymentStatus: 'Paid',
        currency: 'USD',
        billToAddress: shipToAddress,
      },
    ],
    ...totals,
    attributes: spec.attributes,
  };
}

const john: Person = {
  firstName: 'John',
  lastName: 'Smith',
  email: 'john@gudtech.com',
  phone: '5555555555',
  company: 'gudTECH',
  address: { addressLine1: '123 Main St', addressLine2: 'suite 100', city: 'San Diego', region: 'CA', postalCode: '92101' },
  location: { latitude: 32.7157, longitude: -117.1611 },
};

const jane: Person = {
  firstName: 'Jane',
  lastName: 'Doe',
  email: 'jane@example.com',
  phone: '5555550101',
  address: { addressLine1: '500 Market St', city: 'San Francisco', region: 'CA', postalCode: '94105' },
  location: { latitude: 37.7897, longitude: -122.3972 },
};

const alex: Person = {
  firstName: 'Alex',
  lastName: 'Rivera',
  email: 'alex@example.com',
  phone: '5555550202',
  address: { addressLine1: '77 Harbor Dr', addressLine2: 'apt 4', city: 'Seattle', region: 'WA', postalCode: '98121' },
  location: { latitude: 47.6145, longitude: -122.3474 },
};

const specs: readonly DemoSpec[] = [
  {
    orderNumber: '496',
    createdAt: '2016-04-08T19:09:07.000Z', // unix 1460142547, the seed's channel_date_created
    person: john,
    shipMethod: 'Ground (5-7 days)',
    shipToPrice: 0.25,
    giftMessage: 'Happy Birthday',
    attributes: { ipAddress: '68.7.2.222' },
    items: [
      { lineItemId: '496', lineItemNumber: 1, sku: '299', itemName: 'test', itemUnitPrice: 1, orderedQuantity: 1, itemTaxTotal: 0.07, itemDiscountsTotal: 0 },
      { lineItemId: '7397', lineItemNumber: 2, sku: '132', itemName: 'Widget 132', itemUnitPrice: 30, orderedQuantity: 3, itemTaxTotal: 0 },
      { lineItemId: '7395', lineItemNumber: 3, sku: '53', itemName: 'Widget 53', itemUnitPrice: 30, orderedQuantity: 1, shippedQuantity: 1, itemTaxTotal: 0 },
    ],
  },
  {
    orderNumber: '497',
    createdAt: '2016-04-09T15:30:00.000Z',
    person: jane,
    shipMethod: 'Ground (5-7 days)',
    shipToPrice: 5,
    attributes: {},
    items: [
      { lineItemId: '7401', lineItemNumber: 1, sku: '299', itemName: 'test', itemUnitPrice: 1, orderedQuantity: 2, itemTaxTotal: 0.14 },
    ],
  },
  {
    orderNumber: '498',
    createdAt: '2016-04-10T10:15:00.000Z',
    person: alex,
    shipMethod: 'Express (2 days)',
    shipToPrice: 12.5,
    attributes: {},
    items: [
      { lineItemId: '7402', lineItemNumber: 1, sku: '299', itemName: 'test', itemUnitPrice: 1, orderedQuantity: 1, itemTaxTotal: 0.07 },
      { lineItemId: '7403', lineItemNumber: 2, sku: '132', itemName: 'Widget 132', itemUnitPrice: 30, orderedQuantity: 2, itemTaxTotal: 4.2 },
    ],
  },
];

/** Fresh inputs on every call, so no caller can mutate the seed data of the next reset. */
export function demoOrderInputs(): SandboxOrderInput[] {
  return specs.map(toOrderInput);
}
