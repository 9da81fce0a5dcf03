// Extracts from fabric's published OpenAPI 3.0 files (test/fixtures/fabric-openapi/) the operations the bridge
// calls, as plain JSON Schema the sandbox can validate with at run time (sandbox/contract/fabric-operations.json).
// The sandbox cannot read test fixtures (the Docker image has no test/ folder) nor parse YAML without a dev
// dependency, so the extraction is committed and test/contract/extract.test.ts checks it has not drifted.
//
// $refs are not inlined: fabric's errorResponse refers to itself (errors[] of errorResponse), and the order schema
// would be copied into every operation. Each referenced component becomes one entry of `definitions`, and refs point
// there, so the output is one self-contained JSON Schema document.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import type { ContractOperation, FabricContract, JsonSchema } from '../../sandbox/contract/contract.js';

export type { ContractOperation, FabricContract, JsonSchema };

export const FIXTURES_DIR = join(import.meta.dirname, '..', 'fixtures', 'fabric-openapi');
export const OUTPUT_FILE = join(import.meta.dirname, '..', '..', 'sandbox', 'contract', 'fabric-operations.json');

/** The id the sandbox registers the document under; refs are `<id>#/definitions/<spec>.<component>`. */
export const CONTRACT_ID = 'fabric-operations';

const SPECS = {
  orders: 'fabric-orders-openapi.yml',
  shipments: 'fabric-shipments-openapi.yml',
  identity: 'fabric-identity-openapi.yml',
  inventory: 'fabric-inventory-openapi.yml',
} as const;

type SpecKey = keyof typeof SPECS;

interface OperationRef {
  readonly spec: SpecKey;
  readonly method: 'get' | 'post';
  readonly path: string;
}

/**
 * Every fabric operation the bridge calls (shared/fabric/client.ts and shared/fabric/token.ts), and fraud-release,
 * which the bridge does not call but the sandbox serves so that a held order can be released as in fabric. The
 * inventory operations are those inventory_push will call (find-and-update, find-and-adjust-inventory-counters, find
 * to read back), and the ones that give them something to act on as in fabric: create inventory, and the counters an
 * inventory's `counters` must be configured as (get all, create).
 */
export const BRIDGE_OPERATIONS: readonly OperationRef[] = [
  { spec: 'identity', method: 'post', path: '/oauth2/{authServerId}/v1/token' },
  { spec: 'orders', method: 'get', path: '/orders/order-number/{orderNumber}' },
  { spec: 'orders', method: 'post', path: '/orders/search' },
  { spec: 'orders', method: 'post', path: '/orders/order-number/{orderNumber}/actions/cancel' },
  { spec: 'orders', method: 'post', path: '/orders/order-number/{orderNumber}/actions/submit-return-request' },
  { spec: 'orders', method: 'post', path: '/orders/order-number/{orderNumber}/actions/update-attributes' },
  { spec: 'orders', method: 'post', path: '/orders/order-number/{orderNumber}/actions/fraud-release' },
  { spec: 'shipments', method: 'post', path: '/shipments/create-order-shipment' },
  { spec: 'shipments', method: 'post', path: '/shipments/search' },
  { spec: 'inventory', method: 'post', path: '/inventories' },
  { spec: 'inventory', method: 'post', path: '/inventories/actions/find' },
  { spec: 'inventory', method: 'post', path: '/inventories/actions/find-and-update' },
  { spec: 'inventory', method: 'post', path: '/inventories/actions/find-and-adjust-inventory-counters' },
  { spec: 'inventory', method: 'get', path: '/inventory-counters' },
  { spec: 'inventory', method: 'post', path: '/inventory-counters' },
];

/** What fabric's inventory answers say a counter is (`inventory.counters`, fabric-inventory-openapi.yml:967-981). */
const COUNTER_VALUE: JsonSchema = { format: 'int32', type: 'integer' };

/** The same contradiction in each inventory request that carries `counters`. */
const counterErratum = (definition: string, lines: string) => ({
  definition,
  path: ['properties', 'counters', 'additionalProperties'],
  replacement: COUNTER_VALUE,
  why:
    `${definition.slice('inventory.'.length)}: \`counters.additionalProperties\` is \`type: object\` (fabric-inventory-openapi.yml:${lines}), ` +
    'while the example beside it is `{onHand: 100}` (integer values), as are the counters of the `inventory` fabric ' +
    'answers with (int32). Replaced by that int32: a counter is an integer.',
});

/**
 * Where fabric's schema contradicts fabric's own example in the same place, the example is taken as what fabric
 * accepts and the schema is corrected here, each fix named, so the contract is never loosened silently. An erratum
 * removes the wrong constraint, or, where fabric's own answers say what the value is, replaces it with that.
 */
export const ERRATA: readonly { definition: string; path: readonly string[]; replacement?: JsonSchema; why: string }[] = [
  {
    definition: 'orders.orderAttributesUpdateRequest',
    path: ['properties', 'attributes', 'additionalProperties'],
    why:
      'update-attributes: `attributes.additionalProperties` is `type: object` (every attribute value an object), ' +
      'while the example right beside it is `{fraudCheckStatus: "UPDATED", loyaltyStatus: "N"}` (string values), ' +
      'as are the attributes on fabric\'s order. Removed: attribute values are unconstrained.',
  },
  counterErratum('inventory.adjustCounterRequest', '87-100'),
  counterErratum('inventory.createInventory', '430-447'),
  counterErratum('inventory.updateInventory', '1974-1991'),
];

type Node = Record<string, unknown>;

const isNode = (value: unknown): value is Node => typeof value === 'object' && value !== null && !Array.isArray(value);

/** Documentation-only keywords: they validate nothing and would only bloat the committed file. */
const DROPPED = new Set(['description', 'example', 'examples', 'xml', 'externalDocs', 'title', 'deprecated', 'discriminator']);
/** Keywords whose value is a map of name → schema. */
const SCHEMA_MAPS = new Set(['properties', 'patternProperties']);
/** Keywords whose value is one schema. */
const SCHEMA_VALUES = new Set(['items', 'not', 'additionalProperties']);
/** Keywords whose value is a list of schemas. */
const SCHEMA_LISTS = new Set(['allOf', 'anyOf', 'oneOf']);

class Extractor {
  readonly definitions: Record<string, JsonSchema> = {};
  readonly #docs: Record<SpecKey, Node>;

  constructor(docs: Record<SpecKey, Node>) {
    this.#docs = docs;
  }

  resolve(spec: SpecKey, ref: string): Node {
    if (!ref.startsWith('#/')) throw new Error(`external $ref ${ref} in ${SPECS[spec]} is not supported`);
    let current: unknown = this.#docs[spec];
    for (const part of ref.slice(2).split('/')) {
      const key = part.replace(/~1/g, '/').replace(/~0/g, '~');
      current = isNode(current) ? current[key] : undefined;
    }
    if (!isNode(current)) throw new Error(`$ref ${ref} does not resolve in ${SPECS[spec]}`);
    return current;
  }

  /** A component schema, converted once; refs to it point into `definitions`. */
  componentRef(spec: SpecKey, ref: string): JsonSchema {
    const match = /^#\/components\/schemas\/(.+)$/.exec(ref);
    if (!match?.[1]) return this.convert(spec, this.resolve(spec, ref));
    const name = `${spec}.${match[1]}`;
    if (!(name in this.definitions)) {
      // The placeholder stops a self-referencing schema (errorResponse) from recursing forever.
      this.definitions[name] = {};
      this.definitions[name] = this.convert(spec, this.resolve(spec, ref));
    }
    return { $ref: `${CONTRACT_ID}#/definitions/${name}` };
  }

  convert(spec: SpecKey, node: Node): JsonSchema {
    if (typeof node['$ref'] === 'string') return this.componentRef(spec, node['$ref']);
    const out: JsonSchema = {};
    for (const [keyword, value] of Object.entries(node)) {
      if (DROPPED.has(keyword) || keyword.startsWith('x-')) continue;
      if (keyword === 'nullable') continue; // folded into `type` below
      if (keyword === 'required' && !Array.isArray(value)) continue; // Swagger 2's per-property boolean
      if (SCHEMA_MAPS.has(keyword) && isNode(value)) {
        out[keyword] = Object.fromEntries(
          Object.entries(value).map(([name, schema]) => [name, isNode(schema) ? this.convert(spec, schema) : schema]),
        );
      } else if (SCHEMA_VALUES.has(keyword) && isNode(value)) {
        out[keyword] = this.convert(spec, value);
      } else if (SCHEMA_LISTS.has(keyword) && Array.isArray(value)) {
        out[keyword] = value.map((schema: unknown) => (isNode(schema) ? this.convert(spec, schema) : schema));
      } else {
        out[keyword] = value;
      }
    }
    // OpenAPI 3.0's `nullable` is JSON Schema's type list.
    if (node['nullable'] === true && typeof out['type'] === 'string') out['type'] = [out['type'], 'null'];
    if (Array.isArray(node['oneOf'])) this.#relaxOneOf(spec, node['oneOf'] as unknown[], out);
    return out;
  }

  /**
   * Two readings of OpenAPI's oneOf that JSON Schema does not share: a discriminator picks the branch (fabric's
   * search filters: `condition` IN/NIN → valuesSearchFilter, else valueSearchFilter, whose properties overlap), and
   * `format` is an annotation, so `{number int64} | {number double}` is one type that every number would match
   * twice. Both are rewritten so that what fabric documents as valid validates.
   */
  #relaxOneOf(spec: SpecKey, branches: unknown[], out: JsonSchema): void {
    const discriminator = this.#discriminatorOf(spec, branches);
    if (discriminator !== undefined) {
      const byTarget = new Map<string, string[]>();
      for (const [value, target] of Object.entries(discriminator.mapping)) {
        byTarget.set(target, [...(byTarget.get(target) ?? []), value]);
      }
      const converted = out['oneOf'];
      delete out['oneOf'];
      out['allOf'] = [
        ...[...byTarget].map(([target, values]) => ({
          if: { required: [discriminator.propertyName], properties: { [discriminator.propertyName]: { enum: values } } },
          then: this.componentRef(spec, target),
        })),
        { anyOf: converted },
      ];
      return;
    }
    const types = branches.map((branch) => (isNode(branch) ? branch['type'] : undefined));
    if (types.every((type) => typeof type === 'string') && new Set(types).size < types.length) {
      out['anyOf'] = out['oneOf'];
      delete out['oneOf'];
    }
  }

  #discriminatorOf(spec: SpecKey, branches: unknown[]): { propertyName: string; mapping: Record<string, string> } | undefined {
    for (const branch of branches) {
      if (!isNode(branch) || typeof branch['$ref'] !== 'string') return undefined;
    }
    const seen = new Set<Node>();
    const find = (node: Node): Node | undefined => {
      if (seen.has(node)) return undefined;
      seen.add(node);
      if (isNode(node['discriminator'])) return node['discriminator'];
      if (typeof node['$ref'] === 'string') return find(this.resolve(spec, node['$ref']));
      for (const part of Array.isArray(node['allOf']) ? (node['allOf'] as unknown[]) : []) {
        const found = isNode(part) ? find(part) : undefined;
        if (found) return found;
      }
      return undefined;
    };
    const found = find(branches[0] as Node);
    if (found === undefined || typeof found['propertyName'] !== 'string' || !isNode(found['mapping'])) return undefined;
    return { propertyName: found['propertyName'], mapping: found['mapping'] as Record<string, string> };
  }

  operation(ref: OperationRef): ContractOperation {
    const pathItem = this.#docs[ref.spec]['paths'];
    const operation = isNode(pathItem) && isNode(pathItem[ref.path]) ? (pathItem[ref.path] as Node)[ref.method] : undefined;
    if (!isNode(operation)) throw new Error(`${ref.method.toUpperCase()} ${ref.path} is not in ${SPECS[ref.spec]}`);

    let request: ContractOperation['request'] = null;
    const body = isNode(operation['requestBody']) ? this.#deref(ref.spec, operation['requestBody']) : undefined;
    if (body !== undefined && isNode(body['content'])) {
      const [contentType, media] = Object.entries(body['content'])[0] ?? [];
      if (contentType !== undefined && isNode(media) && isNode(media['schema'])) {
        request = { contentType, required: body['required'] === true, schema: this.convert(ref.spec, media['schema']) };
      }
    }

    const properties: Record<string, JsonSchema> = {};
    const required: string[] = [];
    for (const raw of Array.isArray(operation['parameters']) ? (operation['parameters'] as unknown[]) : []) {
      if (!isNode(raw)) continue;
      const parameter = this.#deref(ref.spec, raw);
      if (parameter['in'] !== 'query' || typeof parameter['name'] !== 'string') continue;
      properties[parameter['name']] = isNode(parameter['schema']) ? this.convert(ref.spec, parameter['schema']) : {};
      if (parameter['required'] === true) required.push(parameter['name']);
    }
    const query = Object.keys(properties).length === 0 ? null : { type: 'object', properties, required };

    const responses: Record<string, JsonSchema | null> = {};
    for (const [status, raw] of Object.entries(isNode(operation['responses']) ? operation['responses'] : {})) {
      const response = isNode(raw) ? this.#deref(ref.spec, raw) : {};
      const media = isNode(response['content']) ? Object.values(response['content'])[0] : undefined;
      responses[status] = isNode(media) && isNode(media['schema']) ? this.convert(ref.spec, media['schema']) : null;
    }

    return {
      operationId: typeof operation['operationId'] === 'string' ? operation['operationId'] : '',
      source: `${SPECS[ref.spec]} paths["${ref.path}"].${ref.method}`,
      request,
      query,
      responses,
    };
  }

  #deref(spec: SpecKey, node: Node): Node {
    return typeof node['$ref'] === 'string' ? this.resolve(spec, node['$ref']) : node;
  }
}

/** Keys are what the sandbox matches a request against: method and fabric's path template, without /v3. */
export const operationKey = (ref: OperationRef): string => `${ref.method.toUpperCase()} ${ref.path}`;

export function extractContract(readSpec: (file: string) => string = (file) => readFileSync(join(FIXTURES_DIR, file), 'utf8')): FabricContract {
  const docs = Object.fromEntries(
    (Object.keys(SPECS) as SpecKey[]).map((spec) => [spec, parse(readSpec(SPECS[spec])) as Node]),
  ) as Record<SpecKey, Node>;
  const extractor = new Extractor(docs);
  const operations = Object.fromEntries(BRIDGE_OPERATIONS.map((ref) => [operationKey(ref), extractor.operation(ref)]));
  for (const erratum of ERRATA) {
    const parent = erratum.path.slice(0, -1).reduce<unknown>((node, key) => (isNode(node) ? node[key] : undefined), extractor.definitions[erratum.definition]);
    const last = erratum.path.at(-1);
    // An erratum that no longer applies (fabric fixed its spec) must be noticed and removed, not skipped.
    if (!isNode(parent) || last === undefined || !(last in parent)) throw new Error(`erratum for ${erratum.definition} no longer applies`);
    if (erratum.replacement === undefined) delete parent[last];
    else parent[last] = erratum.replacement;
  }
  const definitions = Object.fromEntries(Object.entries(extractor.definitions).sort(([a], [b]) => a.localeCompare(b)));
  return {
    $id: CONTRACT_ID,
    description:
      'Generated by `npm run contract:generate` from test/fixtures/fabric-openapi/ (fabric OpenAPI 3.0, ' +
      'api-evangelist/fabric-com openapi/ @ 874ea276de13ca286bc1881276694566795129a7). Do not edit by hand.',
    operations,
    definitions,
  };
}

export const serializeContract = (contract: FabricContract): string => `${JSON.stringify(contract, null, 2)}\n`;
