// Holds the sandbox to fabric's published contract (contract.ts): a request the spec would refuse is refused with
// fabric's 400 before any route logic runs, and, with `validateResponses`, every answer is checked against the schema
// of its status. What fails is kept as a violation (GET /_sandbox/contract-violations), so a test stack can fail a
// suite whose bridge sent, or whose sandbox answered, something fabric would not have.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { ErrorCodes, SandboxApiError } from '../errors.js';
import type { LedgerKind } from '../types.js';
import type { ContractProblem, ContractValidator } from './contract.js';

export interface ContractViolation {
  seq: number;
  at: string;
  /** request: what the caller sent (refused with 400); response: what the sandbox answered. */
  direction: 'request' | 'response';
  /** The contract operation, e.g. `POST /orders/order-number/{orderNumber}/actions/cancel`. */
  operation: string;
  /** The path as called, without the query string. */
  path: string;
  status: number;
  problems: ContractProblem[];
  /** The request body for a request violation (what to fix in the caller), the answer for a response violation. */
  body: unknown;
}

/** One call the contract covers, as seen by the sandbox: the request as sent and the status it got. */
export interface ContractExchange {
  seq: number;
  at: string;
  operation: string;
  method: string;
  path: string;
  query: unknown;
  body: unknown;
  status: number;
}

/** Both logs are for tests and demos; the caps keep a long-running `npm start` from growing without end. */
const MAX_ENTRIES = 5000;

/** Mutating operations are in the ledger even when refused here, as they were when routes validated first. */
const LEDGER_KINDS: Readonly<Record<string, LedgerKind>> = {
  'POST /orders/order-number/{orderNumber}/actions/cancel': 'cancel',
  'POST /orders/order-number/{orderNumber}/actions/submit-return-request': 'return',
  'POST /orders/order-number/{orderNumber}/actions/update-attributes': 'update-attributes',
  'POST /orders/order-number/{orderNumber}/actions/fraud-release': 'fraud-release',
  'POST /shipments/create-order-shipment': 'shipment',
  'POST /inventories': 'inventory',
  'POST /inventories/actions/find-and-update': 'inventory',
  'POST /inventories/actions/find-and-adjust-inventory-counters': 'inventory',
  'POST /inventory-counters': 'inventory',
};

export class ContractChecks {
  readonly #violations: ContractViolation[] = [];
  readonly #exchanges: ContractExchange[] = [];
  readonly #exempt = new WeakSet<FastifyRequest>();
  #seq = 0;

  constructor(
    readonly validator: ContractValidator,
    /** Check answers too, and log every covered exchange (tests). */
    readonly validateResponses: boolean,
  ) {}

  /** An answer that is not fabric's (an injected gateway fault) is not held to fabric's contract. */
  exempt(request: FastifyRequest): void {
    this.#exempt.add(request);
  }

  isExempt(request: FastifyRequest): boolean {
    return this.#exempt.has(request);
  }

  recordViolation(violation: Omit<ContractViolation, 'seq'>): void {
    this.#seq += 1;
    push(this.#violations, { seq: this.#seq, ...violation, body: structuredClone(violation.body) });
  }

  recordExchange(exchange: Omit<ContractExchange, 'seq'>): void {
    this.#seq += 1;
    push(this.#exchanges, { seq: this.#seq, ...exchange, body: structuredClone(exchange.body), query: structuredClone(exchange.query) });
  }

  violations(): ContractViolation[] {
    return structuredClone(this.#violations);
  }

  exchanges(): ContractExchange[] {
    return structuredClone(this.#exchanges);
  }

  clear(): void {
    this.#violations.length = 0;
    this.#exchanges.length = 0;
  }
}

function push<T>(list: T[], entry: T): void {
  list.push(entry);
  if (list.length > MAX_ENTRIES) list.splice(0, list.length - MAX_ENTRIES);
}

/**
 * fabric's 400, as its OpenAPI example shows it (fabric-orders-openapi.yml, update-status 400): SERVICE-4003 naming
 * the missing fields when any are missing, else SERVICE-4002 naming the invalid ones, one nested error per field.
 */
export function contractRefusal(problems: readonly ContractProblem[]): SandboxApiError {
  const missing = problems.filter((problem) => problem.kind === 'missing');
  const invalid = problems.filter((problem) => problem.kind === 'invalid');
  const nested = problems.map((problem) => ({
    type: 'CLIENT_ERROR',
    errorCode: problem.kind === 'missing' ? ErrorCodes.missingParameter : ErrorCodes.invalidValue,
    message:
      problem.kind === 'missing'
        ? `Mandatory param(s): \`${problem.field}\` is/are missing`
        : `Invalid value(s) specified for '${problem.field}': ${problem.message}`,
    errors: [],
  }));
  if (missing.length > 0) {
    const fields = missing.map((problem) => `\`${problem.field}\``).join(', ');
    return new SandboxApiError(400, ErrorCodes.missingParameter, `Mandatory param(s): ${fields} is/are missing`, nested);
  }
  const fields = invalid.map((problem) => `'${problem.field}'`).join(', ');
  return new SandboxApiError(400, ErrorCodes.invalidValue, `Invalid value(s) specified for ${fields}`, nested);
}

const pathOf = (request: FastifyRequest): string => request.url.split('?')[0] ?? request.url;

/** The order a refused mutating call was for, so its ledger entry is attributed like an accepted one. */
function orderNumberOf(request: FastifyRequest): string | null {
  const params = request.params as Record<string, unknown> | undefined;
  if (typeof params?.['orderNumber'] === 'string') return params['orderNumber'];
  const cartons = (request.body as { cartons?: unknown } | null | undefined)?.cartons;
  const items: unknown = Array.isArray(cartons) ? (cartons[0] as { items?: unknown } | undefined)?.items : undefined;
  const orderNumber = Array.isArray(items) ? (items[0] as { orderNumber?: unknown } | undefined)?.orderNumber : undefined;
  return typeof orderNumber === 'string' || typeof orderNumber === 'number' ? String(orderNumber) : null;
}

interface Hooks {
  checks: ContractChecks;
  nowIso: () => string;
  /** Marks a refused mutating call for the ledger (request-helpers' trackCall). */
  track: (request: FastifyRequest, kind: LedgerKind, orderNumber: string | null) => void;
}

/** Installed on the root app, so the token route and every /v3 route are covered, and /_sandbox/* never is. */
export function installContractChecks(app: FastifyInstance, hooks: Hooks): void {
  const { checks, nowIso, track } = hooks;
  const operationOf = (request: FastifyRequest): string | undefined =>
    checks.validator.operationFor(request.method, request.routeOptions.url ?? '');

  // preHandler: after the /v3 gate (auth, headers, faults: onRequest) and body parsing, before the route.
  app.addHook('preHandler', async (request) => {
    const operation = operationOf(request);
    if (operation === undefined) return;
    const problems = checks.validator.checkRequest(operation, request.body, request.query);
    if (problems.length === 0) return;
    checks.recordViolation({
      at: nowIso(),
      direction: 'request',
      operation,
      path: pathOf(request),
      status: 400,
      problems,
      body: request.body ?? null,
    });
    const kind = LEDGER_KINDS[operation];
    if (kind !== undefined) track(request, kind, orderNumberOf(request));
    throw contractRefusal(problems);
  });

  app.addHook('onSend', async (request, reply, payload) => {
    if (!checks.validateResponses) return payload;
    const operation = operationOf(request);
    if (operation === undefined) return payload;
    checks.recordExchange({
      at: nowIso(),
      operation,
      method: request.method,
      path: pathOf(request),
      query: request.query ?? {},
      body: request.body ?? null,
      status: reply.statusCode,
    });
    if (checks.isExempt(request)) return payload;
    let body: unknown = null;
    if (typeof payload === 'string' && payload !== '') {
      try {
        body = JSON.parse(payload);
      } catch {
        body = payload;
      }
    }
    const problems = checks.validator.checkResponse(operation, reply.statusCode, body);
    if (problems.length > 0) {
      checks.recordViolation({ at: nowIso(), direction: 'response', operation, path: pathOf(request), status: reply.statusCode, problems, body });
    }
    return payload;
  });
}
