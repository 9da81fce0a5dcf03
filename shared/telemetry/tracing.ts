// Whether this process traces, and the pieces the rest of the code plugs in when it does. Type-only imports: this
// module loads no OpenTelemetry code; ./sdk.ts does, and is imported only when OTEL_EXPORTER_OTLP_ENDPOINT is set
// (the ingress is CPU-bound: an idle SDK would still cost it on every request).
import type { Telemetry } from 'bullmq';
import type { FastifyPluginCallback } from 'fastify';
import type { Config } from '../config.js';

/** What a running tracer gives the app: each piece is wired where its library is configured. */
export interface Tracing {
  /** BullMQ's `telemetry` option for every Queue and Worker: a producer span per add, a consumer span per attempt. */
  readonly bullmq: Telemetry;
  /** @fastify/otel: a server span per request, one per hook and handler; registered before the routes. */
  readonly fastifyPlugin: () => FastifyPluginCallback;
  /** pino's `mixin`: trace_id and span_id of the active span on every line logged inside one. */
  readonly logMixin: (mergeObject: object, level: number, logger: object) => object;
  /** Exports what is still buffered, then stops. */
  shutdown(): Promise<void>;
}

/** The process names itself unless OTEL_SERVICE_NAME does. */
export type ServiceName = 'retailops-bridge-ingress' | 'retailops-bridge-worker' | 'retailops-bridge';

// One per process, like the OpenTelemetry tracer provider it stands for (the API registers that globally too): the
// Queue, Worker and logger constructions read it rather than every constructor in between carrying it.
let active: Tracing | null = null;

/** The running tracer; null when tracing is off (the usual case, and always in tests that do not turn it on). */
export function activeTracing(): Tracing | null {
  return active;
}

/**
 * Starts tracing when the config asks for it, before the loggers and connections are made (they read
 * activeTracing()). A second call is a no-op: `npm start` and the services each call it once.
 */
export async function startTracing(config: Config, serviceName: ServiceName): Promise<Tracing | null> {
  if (config.tracing === null || active !== null) return active;
  const { startSdk } = await import('./sdk.js');
  active = startSdk({ serviceName: config.tracing.serviceName ?? serviceName });
  return active;
}

/** Flushes and stops; safe when tracing is off or already stopped. */
export async function stopTracing(): Promise<void> {
  const running = active;
  active = null;
  await running?.shutdown();
}
