import type { FabricSettings } from '../config.js';
import { EVENT_CODES } from '../events/codes.js';
import { FabricError, responseError, safeJson, transportError } from './errors.js';
import { succeeded, type HttpResponse, type HttpTransport } from './http.js';
import { fabricTokenSchema } from './schemas.js';

/** Refresh this long before fabric's expiry, so that no call leaves with a token about to lapse. */
const REFRESH_MARGIN_MS = 60_000;

/**
 * fabric's client-credentials token for one system app, cached until shortly before it expires. Concurrent callers
 * share one refresh.
 */
export class TokenSource {
  readonly #settings: FabricSettings;
  readonly #timeoutMs: number;
  readonly #send: HttpTransport;
  #cached: { token: string; refreshAt: number } | null = null;
  #inflight: Promise<string> | null = null;

  readonly #observe: (status: number, seconds: number) => void;

  constructor(settings: FabricSettings, timeoutMs: number, send: HttpTransport, observe: (status: number, seconds: number) => void = () => undefined) {
    this.#settings = settings;
    this.#timeoutMs = timeoutMs;
    this.#send = send;
    this.#observe = observe;
  }

  async get(context: { requestId: string }): Promise<string> {
    if (this.#cached && Date.now() < this.#cached.refreshAt) return this.#cached.token;
    this.#inflight ??= this.#fetchToken(context).finally(() => {
      this.#inflight = null;
    });
    return this.#inflight;
  }

  /** Drops the cached token if it is the one that was refused. */
  invalidate(token: string): void {
    if (this.#cached?.token === token) this.#cached = null;
  }

  async #fetchToken(context: { requestId: string }): Promise<string> {
    const url = this.#settings.authUrl;
    const basic = Buffer.from(`${this.#settings.clientId}:${this.#settings.clientSecret}`).toString('base64');
    const started = performance.now();
    let response: HttpResponse;
    try {
      response = await this.#send({
        method: 'POST',
        url,
        headers: {
          authorization: `Basic ${basic}`,
          'content-type': 'application/x-www-form-urlencoded',
          accept: 'application/json',
          'x-fabric-request-id': context.requestId,
        },
        body: new URLSearchParams({ grant_type: 'client_credentials', scope: 's2s' }).toString(),
        timeoutMs: this.#timeoutMs,
      });
    } catch (error) {
      this.#observe(0, (performance.now() - started) / 1000);
      throw transportError(error, { subject: 'fabric token endpoint', method: 'POST', url, timeoutMs: this.#timeoutMs });
    }
    this.#observe(response.status, (performance.now() - started) / 1000);
    if (!succeeded(response)) throw responseError(response, 'POST', url);
    const parsed = fabricTokenSchema.safeParse(safeJson(response.text));
    if (!parsed.success) {
      throw new FabricError('fabric token endpoint answered without an access_token', {
        status: response.status,
        errorCode: EVENT_CODES.UNEXPECTED_RESPONSE,
        requestUrl: url,
        method: 'POST',
        retryAfterMs: null,
        kind: 'transient',
      });
    }
    const lifetimeMs = parsed.data.expires_in * 1000;
    this.#cached = { token: parsed.data.access_token, refreshAt: Date.now() + Math.max(lifetimeMs - REFRESH_MARGIN_MS, lifetimeMs / 2) };
    return parsed.data.access_token;
  }
}
