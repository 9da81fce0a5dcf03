// The one pipeline every RetailOPS webhook goes through: authenticate, validate, act (enqueue), answer with the
// caller's pending events. Routes only supply the schema and the action.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { z } from 'zod';
import { acceptedEntry, archiveOn, openTrail, type WebhookArchive } from '../shared/archive/webhook-archive.js';
import type { ChannelEvent, EventScope } from '../shared/events/event.js';
import { renderEvents, type EventDialect } from '../shared/events/render.js';
import type { JobKind, JobMeta, JobPayload } from '../shared/jobs/contract.js';
import { authenticate, isKnownToken, type Caller, type PresentedCredentials } from './auth.js';
import type { IngressDeps } from './context.js';
import { bearerToken, presentedCredentials } from './credentials.js';
import { QueueUnavailableError, UnauthorizedError } from './errors.js';
import { issuesOf, validationError } from './validation.js';

export interface WebhookContext<Input> {
  readonly input: Input;
  readonly caller: Caller;
  readonly meta: JobMeta;
  readonly request: FastifyRequest;
}

export interface WebhookResult {
  /** Merged into the response beside `events`. */
  readonly fields?: Record<string, unknown>;
  /** Events about this call itself, answered after the pending ones and not stored. */
  readonly notices?: readonly ChannelEvent[];
}

export interface WebhookRoute<S extends z.ZodType> {
  readonly method: 'GET' | 'POST';
  readonly url: string;
  readonly schema: S;
  readonly dialect: EventDialect;
  /** Where the credentials are: seed routes by default (`headers.ticket`, Bearer); v1 routes in the body. */
  readonly credentials?: (request: FastifyRequest, payload: unknown) => PresentedCredentials;
  /** Does the route's work: enqueue, or read the inbox. */
  readonly handle: (context: WebhookContext<z.output<S>>) => Promise<WebhookResult | void>;
  /**
   * The action stores events this very response must carry (order_ack's unknown refnums): read the pending events
   * after it. Otherwise they are read alongside it, which saves a round trip and means a response never carries
   * the failure of its own job, only what earlier work produced.
   */
  readonly storesOwnEvents?: boolean;
  /** This route's body limit, when it is not BODY_LIMIT_BYTES (inventory_push: a whole catalogue). */
  readonly bodyLimit?: number;
  /** The action is one job: its archive entry is written with the enqueue, in the same round trip. */
  readonly archiveAtEnqueue?: boolean;
}

declare module 'fastify' {
  interface FastifyRequest {
    /** Events this response carries, acknowledged once it has been written. */
    deliveredEvents?: { scope: EventScope; ids: string[] };
    /** The code of the error this webhook was answered with, for its archive entry. */
    archiveCode?: string;
  }
}

export function registerWebhook<S extends z.ZodType>(app: FastifyInstance, deps: IngressDeps, route: WebhookRoute<S>): void {
  const { enabled, retentionDays } = deps.config.webhookArchive;
  const archive = enabled ? archiveOn(deps.redis, { prefix: deps.config.queuePrefix, enabled, retentionDays }) : null;
  app.route({
    method: route.method,
    url: route.url,
    // On the seed routes a Bearer header outranks the payload's ticket, so a wrong one is a 401 whatever the body
    // says: answer before reading the body, and close the connection, so that an unauthenticated client cannot make
    // the ingress buffer up to BODY_LIMIT_BYTES or hold the connection while it trickles one in.
    ...(route.credentials || route.method !== 'POST' ? {} : { onRequest: refuseWrongBearer(deps) }),
    ...(route.bodyLimit === undefined ? {} : { bodyLimit: route.bodyLimit }),
    ...(archive ? archiveRejections(archive, route.url) : {}),
    handler: async (request: FastifyRequest, reply: FastifyReply) => {
      const raw = route.method === 'GET' ? request.query : request.body;
      const caller = authenticate(deps.channels, (route.credentials ?? presentedCredentials)(request, raw));
      const parsed = route.schema.safeParse(raw ?? {});
      if (!parsed.success) throw validationError(issuesOf(parsed.error));
      if (deps.redis.status !== 'ready') throw new QueueUnavailableError('the job queue is unreachable, retry later');

      const input = parsed.data as z.output<S>;
      const meta: JobMeta = {
        clientId: caller.clientId,
        channelId: caller.channelId,
        bindingKey: caller.binding.key,
        requestId: request.id,
        receivedAt: new Date().toISOString(),
        sourceAction: actionOf(input),
      };
      const trail = archive ? openTrail(meta, route.archiveAtEnqueue ? (written) => archive.append(acceptedEntry(meta, route.url, written)) : undefined) : null;
      try {
        const scope = { clientId: caller.clientId, channelId: caller.channelId };
        const context = { input, caller, meta, request };
        const [handled, pending] = route.storesOwnEvents
          ? [await route.handle(context), await deps.events.peek(scope)]
          : await Promise.all([route.handle(context), deps.events.peek(scope)]);
        const result = handled ?? {};
        if (archive && trail && !trail.written) {
          // Not awaited: the answer does not wait for its archive entry (it goes in the next pipeline flush).
          trail.written = true;
          archive.append(acceptedEntry(meta, route.url, trail)).catch((error: unknown) => request.log.warn({ err: error }, 'webhook not archived'));
        }
        request.deliveredEvents = { scope, ids: pending.map((event) => event.id) };
        const events = renderEvents([...pending, ...(result.notices ?? [])], route.dialect);
        return reply.code(200).send({ ...result.fields, events });
      } catch (error) {
        // The connection dropped mid-request, or Redis is full (noeviction refuses writes): the job is not stored.
        if (deps.redis.status !== 'ready') throw new QueueUnavailableError('the job queue is unreachable, retry later');
        if (error instanceof Error && /^OOM /.test(error.message)) throw new QueueUnavailableError('the job queue is full, retry later');
        throw error;
      }
    },
  });
}

/** A rejected webhook's archive entry: its route, status and code only (no body, no caller). */
function archiveRejections(archive: WebhookArchive, url: string) {
  return {
    onError: async (request: FastifyRequest, _reply: FastifyReply, error: Error & { code?: string; statusCode?: number }): Promise<void> => {
      const status = error.statusCode && error.statusCode >= 400 && error.statusCode < 600 ? error.statusCode : 500;
      request.archiveCode = status >= 500 && status !== 503 ? 'ROB_INTERNAL' : (error.code ?? 'ROB_BAD_REQUEST');
    },
    onResponse: async (request: FastifyRequest, reply: FastifyReply): Promise<void> => {
      if (reply.statusCode === 200) return;
      const receivedAt = new Date(Date.now() - reply.elapsedTime).toISOString();
      const entry = { requestId: request.id, receivedAt, route: url, status: reply.statusCode, code: request.archiveCode ?? null };
      await archive.append(entry).catch((error: unknown) => request.log.warn({ err: error }, 'webhook not archived'));
    },
  };
}

function refuseWrongBearer(deps: IngressDeps) {
  return async (request: FastifyRequest, reply: FastifyReply): Promise<void> => {
    const bearer = bearerToken(request);
    if (bearer === null || isKnownToken(deps.channels, bearer)) return;
    reply.header('connection', 'close');
    throw new UnauthorizedError('invalid credentials');
  };
}

/** A webhook whose whole action is one job: most RetailOPS actions. */
export interface EnqueueRoute<S extends z.ZodType, K extends JobKind> {
  readonly url: string;
  readonly schema: S;
  readonly dialect: EventDialect;
  readonly credentials?: WebhookRoute<S>['credentials'];
  readonly kind: K;
  readonly toPayload: (input: z.output<S>) => JobPayload<K>;
  /** Response fields beside `events` (v1: `status`). */
  readonly fields?: (input: z.output<S>) => Record<string, unknown>;
}

export function registerEnqueueWebhook<S extends z.ZodType, K extends JobKind>(
  app: FastifyInstance,
  deps: IngressDeps,
  route: EnqueueRoute<S, K>,
): void {
  registerWebhook(app, deps, {
    method: 'POST',
    url: route.url,
    schema: route.schema,
    dialect: route.dialect,
    ...(route.credentials ? { credentials: route.credentials } : {}),
    archiveAtEnqueue: true,
    handle: async ({ input, meta }) => {
      await deps.queues.add(route.kind, meta, route.toPayload(input));
      return route.fields ? { fields: route.fields(input) } : {};
    },
  });
}

function actionOf(input: unknown): string | null {
  if (input !== null && typeof input === 'object' && 'action' in input) {
    const action = (input as { action?: unknown }).action;
    return typeof action === 'string' ? action : null;
  }
  return null;
}

/** Acknowledges delivered events only when the response was written completely. */
export function registerEventAcknowledgement(app: FastifyInstance, deps: IngressDeps): void {
  app.addHook('onResponse', async (request, reply) => {
    const delivered = request.deliveredEvents;
    if (!delivered || delivered.ids.length === 0 || reply.statusCode !== 200 || !reply.raw.writableFinished) return;
    try {
      await deps.events.acknowledge(delivered.scope, delivered.ids);
    } catch (error) {
      // Left pending: RetailOPS sees them again in a later response rather than never.
      request.log.warn({ err: error, events: delivered.ids.length }, 'delivered events not acknowledged');
    }
  });
}
