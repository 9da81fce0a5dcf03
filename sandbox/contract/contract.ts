// fabric's published contract for the operations the bridge calls, compiled once per process: request bodies and
// query strings are checked before a route's own logic (a call real fabric would refuse is refused here too), and,
// when a test asks for it, every answer is checked against the schema of its status.
//
// The schemas are sandbox/contract/fabric-operations.json, extracted from fabric's OpenAPI files by
// test/contract/openapi-extract.ts (the committed copy is what the sandbox can load at run time; a test keeps it
// equal to a fresh extraction).
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';
import contractJson from './fabric-operations.json' with { type: 'json' };

export type JsonSchema = { [keyword: string]: unknown };

export interface ContractOperation {
  readonly operationId: string;
  /** Where in fabric's OpenAPI the operation is described. */
  readonly source: string;
  /** null: the operation takes no body. */
  readonly request: { readonly contentType: string; readonly required: boolean; readonly schema: JsonSchema } | null;
  /** Query parameters as one object schema; values arrive as strings and are coerced before checking. */
  readonly query: JsonSchema | null;
  /** By status code; null when the status is documented without a body. */
  readonly responses: Readonly<Record<string, JsonSchema | null>>;
}

export interface FabricContract {
  readonly $id: string;
  readonly description: string;
  /** Keyed by method and fabric's path template without /v3: `POST /orders/search`. */
  readonly operations: Readonly<Record<string, ContractOperation>>;
  readonly definitions: Readonly<Record<string, JsonSchema>>;
}

/** One field the contract finds missing or wrong, with JSON-pointer-like dotted path (`items.0.scannedAt`). */
export interface ContractProblem {
  readonly field: string;
  /** missing: a required field is absent; invalid: present but not what the schema allows. */
  readonly kind: 'missing' | 'invalid';
  readonly message: string;
}

// ajv-formats is CommonJS: under NodeNext its default import is module.exports, and the plugin is its .default.
const addFormats = addFormatsModule.default;

/** Dotted path of an instance location: /items/0/scannedAt → items.0.scannedAt. */
function dotted(pointer: string): string {
  return pointer
    .split('/')
    .slice(1)
    .map((part) => part.replace(/~1/g, '/').replace(/~0/g, '~'))
    .join('.');
}

/**
 * ajv reports a failed anyOf/oneOf/if together with every branch's errors; the branch errors are noise when the
 * wrapper is reported, and vice versa. Keeping the leaf errors names the field that is actually wrong.
 */
function problemsOf(errors: readonly ErrorObject[] | null | undefined): ContractProblem[] {
  const problems: ContractProblem[] = [];
  const seen = new Set<string>();
  for (const error of errors ?? []) {
    if (error.keyword === 'anyOf' || error.keyword === 'oneOf' || error.keyword === 'if' || error.keyword === 'allOf') continue;
    const base = dotted(error.instancePath);
    const problem: ContractProblem =
      error.keyword === 'required'
        ? {
            field: [base, String((error.params as { missingProperty: string }).missingProperty)].filter(Boolean).join('.'),
            kind: 'missing',
            message: 'is required',
          }
        : { field: base || 'body', kind: 'invalid', message: error.message ?? 'is invalid' };
    const key = `${problem.field}|${problem.kind}|${problem.message}`;
    if (!seen.has(key)) {
      seen.add(key);
      problems.push(problem);
    }
  }
  // A wrapper with no leaf errors (an anyOf whose branches all failed on type) still has to be reported.
  if (problems.length === 0 && errors && errors.length > 0) {
    const first = errors[0]!;
    problems.push({ field: dotted(first.instancePath) || 'body', kind: 'invalid', message: first.message ?? 'is invalid' });
  }
  return problems;
}

/** Normalises a route (`/v3/orders/order-number/:orderNumber`) or a spec path (`/orders/order-number/{orderNumber}`). */
function pathShape(path: string): string {
  return path
    .replace(/^\/v3(?=\/)/, '')
    .replace(/:[^/]+/g, '{}')
    .replace(/\{[^/}]+\}/g, '{}');
}

export class ContractValidator {
  readonly #contract: FabricContract;
  readonly #byShape = new Map<string, string>();
  readonly #ajv: Ajv;
  /** Query strings arrive as text: a second instance that coerces, so `limit=100` checks as the integer it is. */
  readonly #queryAjv: Ajv;
  readonly #compiled = new Map<string, ValidateFunction>();

  constructor(contract: FabricContract = contractJson as FabricContract) {
    this.#contract = contract;
    for (const key of Object.keys(contract.operations)) {
      const [method, path] = key.split(' ');
      this.#byShape.set(`${method} ${pathShape(path ?? '')}`, key);
    }
    // strict: false because fabric's schemas carry OpenAPI-isms ajv's strict mode refuses (`default` beside a
    // $ref, formats such as int32); the formats below make each OpenAPI format known rather than ignored.
    const options = { allErrors: true, strict: false, logger: false } as const;
    this.#ajv = new Ajv(options);
    this.#queryAjv = new Ajv({ ...options, coerceTypes: 'array' });
    for (const ajv of [this.#ajv, this.#queryAjv]) {
      addFormats(ajv);
      // OpenAPI 3.0's numeric and binary formats are size hints, not constraints JSON Schema can check.
      for (const format of ['int32', 'int64', 'float', 'double', 'byte', 'binary', 'password']) ajv.addFormat(format, true);
      ajv.addSchema({ $id: contract.$id, definitions: contract.definitions });
    }
    // Compiling fabric's order schema takes a few hundred ms: paid here, once, not by the first call a test times.
    for (const [key, operation] of Object.entries(contract.operations)) {
      if (operation.query !== null) this.#compile(`${key} query`, operation.query, this.#queryAjv);
      if (operation.request !== null) this.#compile(`${key} request`, operation.request.schema, this.#ajv);
      for (const [status, schema] of Object.entries(operation.responses)) {
        if (schema !== null) this.#compile(`${key} ${status}`, schema, this.#ajv);
      }
    }
  }

  /** The operation a route serves, or undefined when the contract does not cover it. */
  operationFor(method: string, routeUrl: string): string | undefined {
    return this.#byShape.get(`${method.toUpperCase()} ${pathShape(routeUrl)}`);
  }

  operation(key: string): ContractOperation | undefined {
    return this.#contract.operations[key];
  }

  /** Problems with a request's body and query string; empty when fabric would accept them. */
  checkRequest(key: string, body: unknown, query: unknown): ContractProblem[] {
    const operation = this.#contract.operations[key];
    if (operation === undefined) return [];
    const problems: ContractProblem[] = [];
    if (operation.query !== null) {
      const validate = this.#compile(`${key} query`, operation.query, this.#queryAjv);
      // Coercion writes into what it checks: a copy keeps the route's own parsing untouched.
      if (!validate(structuredClone(query ?? {}))) problems.push(...problemsOf(validate.errors));
    }
    if (operation.request !== null) {
      if (body === undefined || body === null) {
        if (operation.request.required) problems.push({ field: 'body', kind: 'missing', message: 'request body is required' });
      } else {
        const validate = this.#compile(`${key} request`, operation.request.schema, this.#ajv);
        if (!validate(body)) problems.push(...problemsOf(validate.errors));
      }
    }
    return problems;
  }

  /**
   * Problems with an answer: a status the operation does not document is one (fabric would not send it), a body
   * that does not match the status's schema is the others.
   */
  checkResponse(key: string, status: number, body: unknown): ContractProblem[] {
    const operation = this.#contract.operations[key];
    if (operation === undefined) return [];
    const schema = operation.responses[String(status)] ?? operation.responses['default'];
    if (schema === undefined) {
      const documented = Object.keys(operation.responses).join(', ');
      return [{ field: 'status', kind: 'invalid', message: `HTTP ${status} is not documented for ${operation.operationId} (documented: ${documented})` }];
    }
    if (schema === null) return [];
    const validate = this.#compile(`${key} ${status}`, schema, this.#ajv);
    return validate(body) ? [] : problemsOf(validate.errors);
  }

  #compile(cacheKey: string, schema: JsonSchema, ajv: Ajv): ValidateFunction {
    let validate = this.#compiled.get(cacheKey);
    if (validate === undefined) {
      validate = ajv.compile(schema);
      this.#compiled.set(cacheKey, validate);
    }
    return validate;
  }
}

/** Compiling fabric's order schema takes a while; every sandbox app of a process shares one validator. */
let shared: ContractValidator | undefined;
export const sharedContractValidator = (): ContractValidator => (shared ??= new ContractValidator());
