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

/** No answer (headers, or the next part of the body) within the request's `timeoutMs`. */
export class HttpTimeoutError extends Error {
  override readonly name = 'HttpTimeoutError';
}

const TIMEOUT_CODES = new Set(['UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT', 'UND_ERR_CONNECT_TIMEOUT']);

function isTimeout(error: unknown): boolean {
  return error instanceof Error && TIMEOUT_CODES.has((error as Error & { code?: string }).code ?? '');
}

export interface PooledTransport {
  readonly send: HttpTransport;
  /** Closes the pool: waits for the requests in flight, or, with `abandon`, cuts them off. */
  close(abandon?: boolean): Promise<void>;
}

export function createHttpTransport(options: { keepAliveTimeoutMs?: number } = {}): PooledTransport {
  const agent = new Agent({ keepAliveTimeout: options.keepAliveTimeoutMs ?? 4_000 });
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
      if (isTimeout(error)) throw new HttpTimeoutError(`no answer within ${outgoing.timeoutMs} ms`, { cause: error });
      throw error;
    }
  };
  return { send, close: (abandon = false) => (abandon ? agent.destroy() : agent.close()) };
}
