// Every error the sandbox answers, in fabric's error body shape, defined in one place so routes
// throw a SandboxApiError and the app's error handler is the only code that writes error responses.
// fabric's published errorResponse schema names only type, message and errors[] (and allows more);
// errorCode and context are what fabric's own examples show beside it (fabric-orders-openapi.yml,
// e.g. update-status 400: `errorCode: SERVICE-4003`, `context: {service, endpoint}`), and the codes
// are fabric's documented ones (developer.fabric.inc). A test stack checks every answer against the
// operation's documented statuses and schemas (sandbox/contract/).

export type FabricErrorType = 'CLIENT_ERROR' | 'SERVER_ERROR';

/** The fabric service named in an error's context. */
export type FabricService = 'orders' | 'inventories';

export interface FabricErrorBody {
  type: FabricErrorType;
  errorCode: string;
  message: string;
  errors: unknown[];
  context: { service: FabricService; endpoint: string };
}

/**
 * fabric's Inventory API names itself `inventories` (fabric-orders-openapi.yml:5485-5492: `context: {service:
 * inventories, endpoint: POST /v3/inventories/actions/find-by-geography}`); Orders and Shipments say `orders`.
 */
export const serviceOf = (endpoint: string): FabricService =>
  /^\/v3\/inventor(?:ies|y-)/.test(endpoint) ? 'inventories' : 'orders';

/** fabric's documented codes, plus the order-action codes seen on the cancel endpoint. */
export const ErrorCodes = {
  unauthorized: 'SERVICE-4001',
  invalidValue: 'SERVICE-4002',
  missingParameter: 'SERVICE-4003',
  notFound: 'SERVICE-4004',
  alreadyExists: 'SERVICE-4005',
  tooManyRequests: 'SERVICE-4029',
  internal: 'SERVICE-5000',
  orderAlreadyCancelled: 'ORDER-2004',
  noLineItemToCancel: 'ORDER-2011',
  quantityNotCancellable: 'ORDER-2012',
} as const;

/** An error answer of the sandbox's API: status, fabric error code and body (not the bridge's FabricError). */
export class SandboxApiError extends Error {
  constructor(
    readonly statusCode: number,
    readonly errorCode: string,
    message: string,
    readonly errors: unknown[] = [],
  ) {
    super(message);
    this.name = 'SandboxApiError';
  }

  toBody(endpoint: string): FabricErrorBody {
    return fabricErrorBody(this.statusCode, this.errorCode, this.message, endpoint, this.errors);
  }
}

export function fabricErrorBody(
  statusCode: number,
  errorCode: string,
  message: string,
  endpoint: string,
  errors: unknown[] = [],
): FabricErrorBody {
  return {
    type: statusCode >= 500 ? 'SERVER_ERROR' : 'CLIENT_ERROR',
    errorCode,
    message,
    errors,
    context: { service: serviceOf(endpoint), endpoint },
  };
}

export const unauthorized = (message: string): SandboxApiError =>
  new SandboxApiError(401, ErrorCodes.unauthorized, message);

export const missingParameter = (message: string, errors: unknown[] = []): SandboxApiError =>
  new SandboxApiError(400, ErrorCodes.missingParameter, message, errors);

export const invalidValue = (message: string, errors: unknown[] = []): SandboxApiError =>
  new SandboxApiError(400, ErrorCodes.invalidValue, message, errors);

export const orderNotFound = (orderRef: string): SandboxApiError =>
  new SandboxApiError(404, ErrorCodes.notFound, `Order ${orderRef} not found`);

export const alreadyExists = (message: string): SandboxApiError =>
  new SandboxApiError(409, ErrorCodes.alreadyExists, message);

/** find-and-update's 404 when no inventory has the request's identity (fabric-inventory-openapi.yml:2582-2588, 2637). */
export const inventoryNotFound = (detail: string): SandboxApiError =>
  new SandboxApiError(404, ErrorCodes.notFound, `inventory not found: ${detail}`);

/** find-and-adjust-inventory-counters' 404, in the words of its example (fabric-inventory-openapi.yml:2553-2561). */
export const inventoryOrCounterNotFound = (detail: string): SandboxApiError =>
  new SandboxApiError(404, ErrorCodes.notFound, `inventory or counter code not found: ${detail}`);

/** Create's and find-and-update's 404 for a counter or attribute nobody configured (fabric-inventory-openapi.yml:2359-2363, 2637-2641). */
export const attributesNotFound = (names: readonly string[]): SandboxApiError =>
  new SandboxApiError(404, ErrorCodes.notFound, `Following attributes not found:[${names.join(',')}]`);
