import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseQueryString } from '../../ingress/querystring.js';
import { fabricOrderSchema, type FabricOrder } from '../../shared/fabric/schemas.js';

/**
 * Helpers for the unit tests: seed fixtures as the ingress sees them (POST body JSON-parsed, GET query parsed with
 * the ingress query-string parser) and fabric orders built as plain objects and parsed with the real schema.
 */
const SEED_DIR = join(import.meta.dirname, '..', 'fixtures', 'seed');

export type SeedName =
  | '000-order-ack'
  | '000-order-complete'
  | '000-order-fetch'
  | '000-orders-cancel'
  | '001-order-cancel'
  | '002-order-update'
  | '004-order-returned';

interface SeedFile {
  readonly method: 'GET' | 'POST';
  readonly path: string;
  readonly query?: string;
  readonly body?: string;
}

export function seedFile(name: SeedName): SeedFile {
  return JSON.parse(readFileSync(join(SEED_DIR, `${name}.json`), 'utf8')) as SeedFile;
}

/** The raw input a route validates: the parsed JSON body (POST) or the parsed query string (GET). */
export function seedInput(name: SeedName): Record<string, unknown> {
  const file = seedFile(name);
  if (file.method === 'GET') return parseQueryString(file.query ?? '');
  return JSON.parse(file.body ?? '{}') as Record<string, unknown>;
}

/** A deep, mutable copy of a seed input, to vary in failure cases. */
export function seedCopy(name: SeedName): any {
  return JSON.parse(JSON.stringify(seedInput(name)));
}

export interface ItemInput {
  lineItemId: string;
  sku: string;
  orderedQuantity: number;
  lineItemNumber?: number;
  cancelledQuantity?: number;
  shippedQuantity?: number;
  returnedQuantity?: number;
}

/** A fabric order as fabric would send it (only the fields the planners read), parsed with the real schema. */
export function fabricOrder(items: ItemInput[], extra: Record<string, unknown> = {}): FabricOrder {
  return fabricOrderSchema.parse({ orderId: 'fo-1', orderNumber: '496', statusCode: 'ORDER_CREATED', items, ...extra });
}

/** fabric settings of a CHANNELS_FILE entry for `tenant`, as a test writes them. */
export const fabricSettingsFor = (tenant: string) => ({
  baseUrl: 'https://api.fabric.inc/v3',
  authUrl: 'https://acme.login.fabric.inc/oauth2/default/v1/token',
  clientId: `client-${tenant}`,
  clientSecret: `secret-${tenant}`,
  tenantId: tenant,
});
