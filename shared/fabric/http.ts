import { STATUS_CODES } from 'node:http';
import { Agent, request } from 'undici';

/**
 * The HTTP exchange under the fabric client: undici's `request` on one keep-alive pool per worker process. Global
 * `fetch` cost a third of a worker's CPU per action (web streams, Request/Response objects and an
 * `AbortSignal.timeout` per call; docs/performance.md), and fabric's API needs none of what it adds.
 */
export interface HttpRequest {
  readonly method: 'GET' | 'POST';
  readonly url: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly body?: string;
  /** How long to wait for the response headers, then at most that long between two chunks of the body. */
  readonly timeoutMs: number;
}

export interface HttpResponse {
  readonly status: number;
  readonly statusText: string;
  /** The whole body, read; '' when empty. */
  readonly text: string;
  header(name: string): string | null;
}

export type HttpTransport = (request: HttpRequest) => Promise<HttpResponse>;

export function succeeded(response: HttpResponse): boolean {
  return response.status >= 200 && response.status <= 299;
}

/** No answer (headers, or the next part of the body) within the request's `timeoutMs`. */
export class HttpTimeoutError extends Error {
  override readonly name = 'HttpTimeoutError';
}

/** A response body over the transport's `maxResponseBytes`: read no further, so a runaway answer cannot exhaust memory. */
export class HttpResponseTooLargeError extends Error {
  override readonly name = 'HttpResponseTooLargeError';
}

/** fabric's largest answers are search pages of 100 orders, well under a megabyte each. */
export const DEFAULT_MAX_RESPONSE_BYTES = 16 * 1024 * 1024;

const TIMEOUT_CODES = new Set(['UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT', 'UND_ERR_CONNECT_TIMEOUT']);

function codeOf(error: unknown): string {
  return error instanceof Error ? ((error as Error & { code?: string }).code ?? '') : '';
}

export interface PooledTransport {
  readonly send: HttpTransport;
  /** Closes the pool: waits for the requests in flight, or, with `abandon`, cuts them off. */
  close(abandon?: boolean): Promise<void>;
}

export function createHttpTransport(options: { keepAliveTimeoutMs?: number; maxResponseBytes?: number } = {}): PooledTransport {
  const maxResponseBytes = options.maxResponseBytes ?? DEFAULT_MAX_RESPONSE_BYTES;
  const agent = new Agent({ keepAliveTimeout: options.keepAliveTimeoutMs ?? 4_000, maxResponseSize: maxResponseBytes });
  const send: HttpTransport = async (outgoing) => {
    try {
      const response = await request(outgoing.url, {
        dispatcher: agent,
        method: outgoing.method,
        headers: outgoing.headers,
        body: outgoing.body ?? null,
        headersTimeout: outgoing.timeoutMs,
        bodyTimeout: outgoing.timeoutMs,
      });
      const text = await response.body.text();
      const headers = response.headers;
      return {
        status: response.statusCode,
        statusText: STATUS_CODES[response.statusCode] ?? '',
        text,
        header: (name) => {
          const value = headers[name.toLowerCase()];
          return Array.isArray(value) ? (value[0] ?? null) : (value ?? null);
        },
      };
    } catch (error) {
      const code = codeOf(error);
      if (TIMEOUT_CODES.has(code)) throw new HttpTimeoutError(`no answer within ${outgoing.timeoutMs} ms`, { cause: error });
      if (code === 'UND_ERR_RES_EXCEEDED_MAX_SIZE') throw new HttpResponseTooLargeError(`response body over ${maxResponseBytes} bytes`, { cause: error });
      throw error;
    }
  };
  return { send, close: (abandon = false) => (abandon ? agent.destroy() : agent.close()) };
}
