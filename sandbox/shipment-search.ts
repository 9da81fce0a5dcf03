// fabric's shipments search (POST /shipments/search), narrowed to what a caller needs to find an
// order's shipments: filters on shipment.orderNumbers and shipment.shipmentNumber, offset paging.
// A field the sandbox does not index is refused rather than ignored, so a query never silently
// matches everything.
import { z } from 'zod';
import { invalidValue } from './errors.js';
import { shipmentResponse } from './operations/shipment.js';
import type { FabricShipmentResponse, StoredOrder } from './types.js';

const field = z.string().regex(/^shipment\.[a-zA-Z.\-_]*$/, 'field must look like shipment.<path>');
const scalar = z.union([z.string(), z.number()]);

const group = z.string().optional();
const filterSchema = z.union([
  z.object({ field, group, condition: z.enum(['EQ', 'NEQ', 'LT', 'GT', 'LTE', 'GTE']).default('EQ'), value: scalar }),
  z.object({ field, group, condition: z.enum(['IN', 'NIN']), values: z.array(scalar).min(1).max(25) }),
]);

export const shipmentSearchBodySchema = z.looseObject({
  filters: z.array(filterSchema).max(50),
  sort: z
    .string()
    .regex(/(^[+-]shipment\.[a-zA-Z.\-_]*)(,([+-]shipment\.[a-zA-Z.\-_]*)){0,}/)
    .optional(),
});

export const shipmentSearchQuerySchema = z.object({
  offset: z.coerce.number().int().min(0).default(0),
  limit: z.coerce.number().int().min(1).max(100).default(10),
});

type Filter = z.output<typeof filterSchema>;

const SEARCHABLE = {
  'shipment.orderNumbers': (shipment: FabricShipmentResponse) => shipment.orderNumbers,
  'shipment.shipmentNumber': (shipment: FabricShipmentResponse) => [shipment.shipmentNumber],
} as const;

function isSearchable(name: string): name is keyof typeof SEARCHABLE {
  return Object.hasOwn(SEARCHABLE, name);
}

function matches(shipment: FabricShipmentResponse, filter: Filter): boolean {
  if (!isSearchable(filter.field)) throw invalidValue(`The sandbox cannot search shipments by ${filter.field}`);
  const values = SEARCHABLE[filter.field](shipment);
  if ('values' in filter) {
    const wanted = filter.values.map(String);
    const hit = values.some((value) => wanted.includes(value));
    return filter.condition === 'IN' ? hit : !hit;
  }
  if (filter.condition !== 'EQ' && filter.condition !== 'NEQ') {
    throw invalidValue(`The sandbox compares ${filter.field} with EQ, NEQ, IN and NIN only`);
  }
  const hit = values.includes(String(filter.value));
  return filter.condition === 'EQ' ? hit : !hit;
}

export function searchShipments(
  orders: readonly StoredOrder[],
  body: z.output<typeof shipmentSearchBodySchema>,
  query: z.output<typeof shipmentSearchQuerySchema>,
): { data: FabricShipmentResponse[]; pagination: { offset: number; limit: number; count: number } } {
  const all = orders.flatMap((order) => order.shipments.map((shipment) => shipmentResponse(shipment, order.orderNumber)));
  const found = all.filter((shipment) => body.filters.every((filter) => matches(shipment, filter)));
  return {
    data: found.slice(query.offset, query.offset + query.limit),
    pagination: { offset: query.offset, limit: query.limit, count: found.length },
  };
}
