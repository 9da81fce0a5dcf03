// The Order of seed 000 (order fetch response), field for field. Amounts are decimal strings; the seed's integer
// examples for `discount_amt` and `unit_tax` are sent as decimal strings too, so no amount is ever a float.
import { z } from 'zod';

const decimal = z.string();

export const seedAddressSchema = z.object({
  first_name: z.string(),
  last_name: z.string(),
  company: z.string(),
  address1: z.string(),
  address2: z.string(),
  city: z.string(),
  state_match: z.string(),
  postal_code: z.string(),
  country_match: z.string(),
});

export const seedOrderSchema = z.object({
  channel_refnum: z.string(),
  channel_date_created: z.number().int(),
  calc_mode: z.literal('order'),
  grand_total: decimal,
  shipping_amt: decimal,
  tax_amt: decimal,
  discount_amt: decimal,
  gift_message: z.string(),
  ip_address: z.string(),
  shipcode: z.string(),
  bill_addr: seedAddressSchema,
  ship_addr: seedAddressSchema,
  customer: z.object({
    email_address: z.string(),
    phone_number: z.string(),
    first_name: z.string(),
    last_name: z.string(),
  }),
  payment: z.array(
    z.object({
      type: z.string(),
      amount: decimal,
      params: z.object({ channel_refnum: z.string(), payment_type: z.string(), payment_method: z.string() }),
    }),
  ),
  items: z.array(
    z.object({
      channel_refnum: z.string(),
      sku: z.string(),
      sku_title: z.string(),
      quantity: z.number().int(),
      unit_price: decimal,
      unit_tax: decimal,
    }),
  ),
  attributes: z.record(z.string(), z.string()),
});

export type SeedOrder = z.infer<typeof seedOrderSchema>;
export type SeedAddress = z.infer<typeof seedAddressSchema>;
