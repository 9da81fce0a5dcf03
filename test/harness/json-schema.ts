import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import AjvDraft04 from 'ajv-draft-04';

const Ajv = AjvDraft04.default;

/** The SDK's hyper-schemas, and a draft-04 validator for requests and responses. */
export interface SdkAction {
  readonly name: string;
  readonly href: string;
  readonly schema: JsonSchema;
  readonly targetSchema: JsonSchema;
}

export interface JsonSchema {
  type?: string | string[];
  properties?: Record<string, JsonSchema>;
  required?: string[];
  items?: JsonSchema;
  allOf?: JsonSchema[];
  enum?: unknown[];
  example?: unknown;
  format?: string;
  minItems?: number;
  minLength?: number;
  maxItems?: number;
  [key: string]: unknown;
}

const DIR = join(import.meta.dirname, '..', 'fixtures', 'retailops-sdk-v1');

export function sdkActions(): SdkAction[] {
  return readdirSync(DIR)
    .filter((file) => file.endsWith('_v1.json'))
    .sort()
    .map((file) => {
      const link = (JSON.parse(readFileSync(join(DIR, file), 'utf8')) as { links: { href: string; schema: JsonSchema; targetSchema: JsonSchema }[] }).links[0];
      if (!link) throw new Error(`${file} has no links[0]`);
      return { name: file.replace(/\.json$/, ''), href: link.href, schema: link.schema, targetSchema: link.targetSchema };
    });
}

const ajv = new Ajv({ allErrors: true, strict: false });
ajv.addFormat('date-time', /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/);

/** Validation errors as "path: message" lines; empty when valid. */
export function schemaErrors(schema: JsonSchema, value: unknown): string[] {
  const validate = ajv.compile(schema);
  return validate(value) ? [] : (validate.errors ?? []).map((error) => `${error.instancePath || '/'}: ${error.message ?? 'invalid'}`);
}

function typesOf(schema: JsonSchema): string[] {
  if (Array.isArray(schema.type)) return schema.type;
  if (schema.type) return [schema.type];
  return schema.properties ? ['object'] : [];
}

/**
 * A valid instance of `schema`: every property filled (with its example where the schema gives one), one item per
 * array. A property no value can satisfy (the SDK's `removed`: type string, enum of booleans) is left out.
 */
export function exampleOf(schema: JsonSchema): unknown {
  if (schema.allOf) {
    return Object.assign({}, ...schema.allOf.map((part) => exampleOf(part) as Record<string, unknown>));
  }
  const types = typesOf(schema);
  if (schema.enum) {
    const fitting = schema.enum.find((value) => types.length === 0 || types.includes(typeof value === 'number' ? 'number' : typeof value));
    return fitting;
  }
  if (types.includes('object')) {
    const result: Record<string, unknown> = {};
    for (const [key, property] of Object.entries(schema.properties ?? {})) {
      const value = exampleOf(property);
      if (value !== undefined) result[key] = value;
    }
    return result;
  }
  if (types.includes('array')) {
    const item = schema.items ? exampleOf(schema.items) : 'x';
    return item === undefined ? [] : Array.from({ length: Math.max(1, schema.minItems ?? 1) }, () => item);
  }
  const example = schema.example;
  if (types.includes('integer')) return typeof example === 'number' && Number.isInteger(example) ? example : 1;
  if (types.includes('number')) return typeof example === 'number' ? example : 1.5;
  if (types.includes('boolean')) return typeof example === 'boolean' ? example : false;
  if (types.includes('string')) {
    if (schema.format === 'date-time') return '2016-04-08T21:13:11Z';
    return typeof example === 'string' && example.length > 0 ? example : 'x';
  }
  return undefined;
}
