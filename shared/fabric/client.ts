import type { z } from 'zod';
import type { FabricSettings } from '../config.js';
import { EVENT_CODES } from '../events/codes.js';
import type { CircuitBreaker } from './circuit-breaker.js';
import { FabricError, responseError, safeJson, transportError } from './errors.js';
import { succeeded, type HttpResponse, type HttpTransport } from './http.js';
import {
  fabricOrderSchema,
  fabricReturnResultSchema,
  fabricSearchResultSchema,
  fabricShipmentResultSchema,
  fabricShipmentSearchResultSchema,
  fabricInventorySchema,
  type CancelRequestBody,
  type FabricInventory,
  type InventoryWriteBody,
  type FabricOrder,
  type FabricShipment,
  type ReturnRequestBody,
  type SearchFilter,
  type ShipmentRequestBody,
} from './schemas.js';
import { TokenSource } from './token.js';

/**
 * fabric Orders API v3, one attempt per call: retries belong to BullMQ alone, so they never multiply. The one
 * exception is a 401 on a cached token, which is refreshed and tried once more (the token may have been revoked).
 */
export interface CallContext {
  /** Sent as x-fabric-request-id: the job id and attempt, so fabric's logs and ours line up. */
  readonly requestId: string;
  /**
   * Told of each request sent to fabric's API on this context's behalf, as it leaves (a repeat after a 401 is a
   * second one; a call the circuit breaker held back is none). Token requests are not reported: one token serves
   * every job of the process, so it belongs to no job.
   */
  readonly onRequest?: (endpoint: FabricApiEndpoint) => void;
  /**
   * Awaited right before each request that changes fabric leaves, after every wait (token, call budget): throwing
   * stops the request. Workers check there that they still hold the job (a worker frozen past its lock must not act
   * on what it read before; workers/job-lock.ts).
   */
  readonly beforeChange?: () => Promise<void>;
}

export interface FabricClientOptions {
  readonly settings: FabricSettings;
  readonly timeoutMs: number;
  /** The HTTP pool (shared/fabric/http.ts), shared by every client of a process; its owner closes it. */
  readonly transport: HttpTransport;
  /** Shared by every client of the same fabric tenant. */
  readonly breaker?: CircuitBreaker;
  /** Told of every HTTP exchange with fabric (status 0: no answer), for metrics. */
  readonly observe?: FabricObserver;
  /** The tenant's call budget, shared by all workers (shared/fabric/rate-limiter.ts). */
  readonly limiter?: { acquire(): Promise<unknown> };
  /**
   * The share of that budget inventory writes may use (FABRIC_INVENTORY_SHARE), taken before the budget itself, so
   * that a large push never holds every slot while orders wait.
   */
  readonly inventoryLimiter?: { acquire(): Promise<unknown> };
}

export type FabricObserver = (endpoint: FabricEndpoint, status: number, seconds: number) => void;
export type FabricEndpoint =
  | 'get-order'
  | 'search'
  | 'cancel'
  | 'return'
  | 'shipment'
  | 'shipment-search'
  | 'update-attributes'
  | 'inventory-update'
  | 'inventory-create'
  | 'token';
/** The Orders API's endpoints: every endpoint but the token's. */
export type FabricApiEndpoint = Exclude<FabricEndpoint, 'token'>;

/** One request to fabric's API: where it goes, what it sends, and the schema its answer must fit. */
interface FabricRequest<T extends z.ZodType> {
  readonly endpoint: FabricApiEndpoint;
  readonly method: 'GET' | 'POST';
  readonly path: string;
  readonly body?: unknown;
  readonly schema: T;
}

/** The endpoints that change fabric's state: each request to one waits for CallContext.beforeChange first. */
const CHANGING_ENDPOINTS: ReadonlySet<FabricApiEndpoint> = new Set(['cancel', 'return', 'shipment', 'update-attributes', 'inventory-update', 'inventory-create']);

/** The Inventory API's endpoints: each takes a slot of the inventory share of the budget as well. */
const INVENTORY_ENDPOINTS: ReadonlySet<FabricApiEndpoint> = new Set(['inventory-update', 'inventory-create']);

export class FabricClient {
  readonly #settings: FabricSettings;
  readonly #timeoutMs: number;
  readonly #send: HttpTransport;
  readonly #tokens: TokenSource;
  readonly #breaker: CircuitBreaker | undefined;
  readonly #observe: FabricObserver;
  readonly #limiter: FabricClientOptions['limiter'];
  readonly #inventoryLimiter: FabricClientOptions['inventoryLimiter'];

  constructor(options: FabricClientOptions) {
    this.#limiter = options.limiter;
    this.#inventoryLimiter = options.inventoryLimiter;
    this.#breaker = options.breaker;
    this.#observe = options.observe ?? (() => undefined);
    this.#settings = options.settings;
    this.#timeoutMs = options.timeoutMs;
    this.#send = options.transport;
    this.#tokens = new TokenSource(options.settings, options.timeoutMs, this.#send, (status, seconds) => this.#observe('token', status, seconds));
  }

  /** The order, or null when fabric has no order with that number. */
  async getOrderByNumber(orderNumber: string, context: CallContext): Promise<FabricOrder | null> {
    try {
      return await this.#call({ endpoint: 'get-order', method: 'GET', path: `/orders/order-number/${encodeURIComponent(orderNumber)}`, schema: fabricOrderSchema }, context);
    } catch (error) {
      if (error instanceof FabricError && error.status === 404) return null;
      throw error;
    }
  }

  async searchOrders(
    query: { filters: SearchFilter[]; sort: string; offset: number; limit: number },
    context: CallContext,
  ) {
    const path = `/orders/search?offset=${query.offset}&limit=${query.limit}`;
    return this.#call({ endpoint: 'search', method: 'POST', path, body: { filters: query.filters, sort: query.sort }, schema: fabricSearchResultSchema }, context);
  }

  async cancelOrder(orderNumber: string, body: CancelRequestBody, context: CallContext): Promise<FabricOrder> {
    return this.#call({ endpoint: 'cancel', method: 'POST', path: `/orders/order-number/${encodeURIComponent(orderNumber)}/actions/cancel`, body, schema: fabricOrderSchema }, context);
  }

  async submitReturn(orderNumber: string, body: ReturnRequestBody, context: CallContext) {
    const path = `/orders/order-number/${encodeURIComponent(orderNumber)}/actions/submit-return-request`;
    return this.#call({ endpoint: 'return', method: 'POST', path, body, schema: fabricReturnResultSchema }, context);
  }

  async createShipment(body: ShipmentRequestBody, context: CallContext) {
    return this.#call({ endpoint: 'shipment', method: 'POST', path: '/shipments/create-order-shipment', body, schema: fabricShipmentResultSchema }, context);
  }

  /**
   * Every shipment of the order (the Shipments API: fabric's order itself lists none). Filtered on the field the
   * shipment document holds the order in (`shipmentResponse.orderNumbers`), paged until all are read.
   */
  async searchShipments(orderNumber: string, context: CallContext): Promise<FabricShipment[]> {
    const limit = 100;
    const shipments: FabricShipment[] = [];
    for (let offset = 0; ; offset += limit) {
      const page = await this.#call(
        {
          endpoint: 'shipment-search',
          method: 'POST',
          path: `/shipments/search?offset=${offset}&limit=${limit}`,
          body: { filters: [{ field: 'shipment.orderNumbers', condition: 'EQ', value: orderNumber }] },
          schema: fabricShipmentSearchResultSchema,
        },
        context,
      );
      // The filter's field name is read from the shipment document, not confirmed by the spec's examples: a shipment
      // that says it belongs to other orders is never taken for this one's (line item ids repeat across orders).
      shipments.push(...page.data.filter((shipment) => shipment.orderNumbers.length === 0 || shipment.orderNumbers.includes(orderNumber)));
      const count = page.pagination?.count;
      if (page.data.length < limit || (count !== undefined && offset + limit >= count)) return shipments;
    }
  }

  async updateAttributes(orderNumber: string, attributes: Record<string, string>, context: CallContext): Promise<FabricOrder> {
    const path = `/orders/order-number/${encodeURIComponent(orderNumber)}/actions/update-attributes`;
    return this.#call({ endpoint: 'update-attributes', method: 'POST', path, body: { attributes, keysToRemove: [] }, schema: fabricOrderSchema }, context);
  }

  /**
   * Sets the counters named of one sku at one location (find-and-update: the counters not named are kept, and
   * repeating it changes nothing). A 404 is fabric having no such inventory, or (its message says) no such counter.
   */
  async updateInventory(body: InventoryWriteBody, context: CallContext): Promise<FabricInventory> {
    return this.#call({ endpoint: 'inventory-update', method: 'POST', path: '/inventories/actions/find-and-update', body, schema: fabricInventorySchema }, context);
  }

  /** Creates the inventory of one sku at one location (POST /inventories); 409 if it exists. */
  async createInventory(body: InventoryWriteBody, context: CallContext): Promise<FabricInventory> {
    return this.#call({ endpoint: 'inventory-create', method: 'POST', path: '/inventories', body, schema: fabricInventorySchema }, context);
  }

  async #call<T extends z.ZodType>(request: FabricRequest<T>, context: CallContext): Promise<z.output<T>> {
    const attempt = () => this.#attempt(request, context);
    return this.#breaker ? this.#breaker.run(attempt, `${this.#settings.baseUrl}${request.path}`) : attempt();
  }

  async #attempt<T extends z.ZodType>(request: FabricRequest<T>, context: CallContext, isRetryAfterRefresh = false): Promise<z.output<T>> {
    const { endpoint, method, path, body, schema } = request;
    const url = `${this.#settings.baseUrl.replace(/\/$/, '')}${path}`;
    const token = await this.#tokens.get(context);
    if (INVENTORY_ENDPOINTS.has(endpoint)) await this.#inventoryLimiter?.acquire();
    await this.#limiter?.acquire();
    if (CHANGING_ENDPOINTS.has(endpoint)) await context.beforeChange?.();
    const started = performance.now();
    const observe = (status: number) => this.#observe(endpoint, status, (performance.now() - started) / 1000);
    context.onRequest?.(endpoint);
    let response: HttpResponse;
    try {
      response = await this.#send({
        method,
        url,
        headers: {
          authorization: `Bearer ${token}`,
          'content-type': 'application/json',
          accept: 'application/json',
          'x-fabric-tenant-id': this.#settings.tenantId,
          'x-fabric-channel-id': this.#settings.channelId,
          'x-fabric-request-id': context.requestId,
        },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
        timeoutMs: this.#timeoutMs,
      });
    } catch (error) {
      observe(0);
      throw transportError(error, { subject: 'fabric', method, url, timeoutMs: this.#timeoutMs });
    }
    if (response.status === 401 && !isRetryAfterRefresh) {
      observe(401);
      this.#tokens.invalidate(token);
      return this.#attempt(request, context, true);
    }
    observe(response.status);
    const { text } = response;
    if (!succeeded(response)) throw responseError(response, method, url);
    const parsed = schema.safeParse(text === '' ? {} : safeJson(text));
    if (!parsed.success) {
      throw new FabricError(`fabric ${method} ${path} answered ${response.status} with an unexpected body`, {
        status: response.status,
        errorCode: EVENT_CODES.UNEXPECTED_RESPONSE,
        requestUrl: url,
        method,
        retryAfterMs: null,
        kind: 'transient',
      });
    }
    return parsed.data;
  }
}
