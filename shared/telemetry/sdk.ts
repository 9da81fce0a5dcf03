// The OpenTelemetry SDK, loaded only when tracing is on (./tracing.ts imports this module dynamically). Spans are
// batched and exported over OTLP/HTTP; the exporter reads OTEL_EXPORTER_OTLP_ENDPOINT (and _HEADERS, _TIMEOUT, the
// TRACES_ variants), the batch processor OTEL_BSP_*, the provider OTEL_TRACES_SAMPLER: the SDK's own conventions.
import { createRequire } from 'node:module';
import { context, trace, type Span } from '@opentelemetry/api';
import { FastifyOtelInstrumentation } from '@fastify/otel';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { registerInstrumentations } from '@opentelemetry/instrumentation';
import { IORedisInstrumentation } from '@opentelemetry/instrumentation-ioredis';
import { UndiciInstrumentation } from '@opentelemetry/instrumentation-undici';
import { defaultResource, detectResources, envDetector, resourceFromAttributes } from '@opentelemetry/resources';
import { BatchSpanProcessor, NodeTracerProvider } from '@opentelemetry/sdk-trace-node';
import { BullMQOtel } from 'bullmq-otel';
import type { FastifyRequest } from 'fastify';
import type { Tracing } from './tracing.js';

/** Routes polled by probes and Prometheus: a trace each would bury the webhooks. */
const UNTRACED_ROUTES = new Set(['/healthz', '/readyz', '/metrics']);

/** Marks a request's logger that already carries its trace ids (inherited by its children: pino's are prototypes). */
const TRACE_BOUND = Symbol('retailops.traceBound');

export function startSdk(options: { serviceName: string }): Tracing {
  const provider = new NodeTracerProvider({
    resource: defaultResource()
      .merge(detectResources({ detectors: [envDetector] }))
      .merge(resourceFromAttributes({ 'service.name': options.serviceName })),
    spanProcessors: [new BatchSpanProcessor(new OTLPTraceExporter())],
  });
  // Global tracer provider, AsyncLocalStorage context and W3C propagation: what bullmq-otel and the instrumentations use.
  provider.register();
  const fastify = new FastifyOtelInstrumentation({
    requestHook: traceRequest,
    // The request and its handler, not a span per hook (auth, rate limit, …): cheaper on a CPU-bound ingress, and
    // their Redis calls still show, under the request span.
    instrumentHooks: false,
    ignorePaths: ({ url }) => UNTRACED_ROUTES.has(url),
  });
  const unregister = registerInstrumentations({
    tracerProvider: provider,
    instrumentations: [
      fastify,
      // Only calls made for a request or a job: BullMQ's own polling would otherwise be a trace per command.
      new IORedisInstrumentation({ requireParentSpan: true, dbStatementSerializer: (command) => command }),
      // fabric calls (undici publishes them on diagnostics_channel, which needs no import hook).
      new UndiciInstrumentation({ requireParentforSpans: true }),
    ],
  });
  patchIoredis();
  return {
    bullmq: new BullMQOtel({ tracerName: 'retailops-bridge' }),
    fastifyPlugin: () => fastify.plugin(),
    logMixin: (_mergeObject, _level, logger) => ((logger as { [TRACE_BOUND]?: true })[TRACE_BOUND] ? {} : activeSpanIds()),
    shutdown: async () => {
      unregister();
      await provider.shutdown();
    },
  };
}

/**
 * ioredis is CommonJS: the instrumentation patches it when it is require()d (require-in-the-middle), and an ESM
 * `import` of it, BullMQ's and ours, goes through no such hook without a `--import` loader. Requiring it once here
 * patches Redis.prototype, which the ESM imports share (one CommonJS module cache), whichever ran first.
 */
function patchIoredis(): void {
  createRequire(import.meta.url)('ioredis');
}

/**
 * The request span's first moments: its url.path loses the query string (GET webhooks carry the ticket there), and
 * request.log carries the trace ids, so that every line of the request has them, the one logged in onResponse after
 * the span has ended included.
 */
function traceRequest(span: Span, request: FastifyRequest): void {
  span.setAttribute('url.path', request.url.split('?', 1)[0] ?? '');
  const { traceId, spanId } = span.spanContext();
  const log = request.log.child({ trace_id: traceId, span_id: spanId });
  (log as unknown as { [TRACE_BOUND]: true })[TRACE_BOUND] = true;
  request.log = log;
}

function activeSpanIds(): { trace_id?: string; span_id?: string } {
  const span = trace.getSpan(context.active());
  if (!span) return {};
  const { traceId, spanId } = span.spanContext();
  return { trace_id: traceId, span_id: spanId };
}
