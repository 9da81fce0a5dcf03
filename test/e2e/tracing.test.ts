import { execFile } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedFixture, sendFixture } from '../harness/http.js';
import { spawnService, waitForLine, workerEnv, type ServiceProcess } from '../harness/processes.js';
import { eventually, SEED_EXAMPLE_TICKET, startStack, TEST_TOKEN, type Stack } from '../harness/stack.js';

/**
 * OpenTelemetry across the whole path, in real processes: one webhook is one trace, with the ingress's server span,
 * the worker's span for the job and its fabric call; the request's and the job's log lines carry its trace id; the
 * repeating order sync is a trace per run; and without OTEL_EXPORTER_OTLP_ENDPOINT no tracing code is loaded.
 */

/** A span as OTLP/HTTP JSON carries it (the fields read here). */
interface ExportedSpan {
  readonly service: string;
  readonly traceId: string;
  readonly spanId: string;
  readonly parentSpanId: string;
  readonly name: string;
  /** OTLP SpanKind: 1 internal, 2 server, 3 client, 4 producer, 5 consumer. */
  readonly kind: number;
  readonly attributes: Record<string, unknown>;
}

interface OtlpValue {
  readonly stringValue?: string;
  readonly intValue?: string | number;
  readonly boolValue?: boolean;
}
interface OtlpKeyValue {
  readonly key: string;
  readonly value: OtlpValue;
}
interface OtlpBody {
  readonly resourceSpans?: {
    readonly resource?: { readonly attributes?: OtlpKeyValue[] };
    readonly scopeSpans?: { readonly spans?: (Omit<ExportedSpan, 'service' | 'attributes'> & { attributes?: OtlpKeyValue[] })[] }[];
  }[];
}

const SPAN_KIND = { server: 2, client: 3, producer: 4, consumer: 5 } as const;

function attributesOf(list: readonly OtlpKeyValue[] | undefined): Record<string, unknown> {
  return Object.fromEntries((list ?? []).map(({ key, value }) => [key, value.stringValue ?? value.intValue ?? value.boolValue]));
}

/** A tiny OTLP/HTTP receiver (JSON, as @opentelemetry/exporter-trace-otlp-http sends): every span and every raw body. */
async function otlpReceiver(): Promise<{ url: string; spans: ExportedSpan[]; bodies: string[]; server: Server }> {
  const spans: ExportedSpan[] = [];
  const bodies: string[] = [];
  const server = createServer((request, response) => {
    let text = '';
    request.on('data', (chunk: Buffer) => (text += chunk.toString()));
    request.on('end', () => {
      bodies.push(text);
      if (request.url === '/v1/traces') {
        const body = JSON.parse(text) as OtlpBody;
        for (const resource of body.resourceSpans ?? []) {
          const service = String(attributesOf(resource.resource?.attributes)['service.name']);
          for (const scope of resource.scopeSpans ?? []) {
            for (const span of scope.spans ?? []) spans.push({ ...span, service, attributes: attributesOf(span.attributes) });
          }
        }
      }
      response.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, spans, bodies, server };
}

let stack: Stack;
let receiver: Awaited<ReturnType<typeof otlpReceiver>>;
let ingress: ServiceProcess;
let worker: ServiceProcess;
let ingressUrl: string;

beforeAll(async () => {
  receiver = await otlpReceiver();
  // Redis, the sandbox and the queues; the ingress and the worker run as real processes with tracing on.
  stack = await startStack({ workers: false });
  const env = workerEnv(stack, { OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url, OTEL_BSP_SCHEDULE_DELAY: '100', ORDER_SYNC_INTERVAL_MS: '2000' });
  ingress = spawnService('ingress/main.ts', env);
  worker = spawnService('workers/main.ts', env);
  await Promise.all([waitForLine(ingress, 'ingress listening', 45_000), waitForLine(worker, 'workers running', 45_000)]);
  ingressUrl = String(ingress.lines.find((line) => line['msg'] === 'ingress listening')?.['url']);
}, 90_000);

afterAll(async () => {
  for (const service of [ingress, worker]) service?.kill('SIGTERM');
  await Promise.all([ingress?.exited, worker?.exited]);
  await stack?.close();
  receiver?.server.close();
}, 60_000);

describe('tracing (OTEL_EXPORTER_OTLP_ENDPOINT set)', () => {
  it('one webhook is one trace: the ingress request, the job in the worker, its Redis and fabric calls', async () => {
    for (const service of [ingress, worker]) expect(service.lines.map((line) => line['msg'])).toContain('tracing on: spans exported over OTLP');
    const response = await sendFixture(ingressUrl, seedFixture('000-orders-cancel'));
    expect(response.status).toBe(200);
    await eventually('the cancel job to complete', async () => ((await stack.queues.cancel.getCompletedCount()) === 1 ? true : undefined), 20_000);

    const server = await eventually('the ingress server span', async () =>
      receiver.spans.find((span) => span.service === 'retailops-bridge-ingress' && span.kind === SPAN_KIND.server && span.attributes['http.route'] === '/orders/cancel'),
    );
    // Each process exports in its own batches: wait for the spans that end last on each side.
    const { spans, producer, consumer, fabricCall } = await eventually('the trace from both processes', async () => {
      const inTrace = receiver.spans.filter((span) => span.traceId === server.traceId);
      const found = {
        spans: inTrace,
        // The ingress side: BullMQ's add, the producer span whose context the job carries to the worker.
        producer: inTrace.find((span) => span.service === 'retailops-bridge-ingress' && span.kind === SPAN_KIND.producer),
        // The worker side: BullMQ's consumer span for the attempt, and a fabric call (an HTTP client span to the sandbox).
        consumer: inTrace.find((span) => span.service === 'retailops-bridge-worker' && span.kind === SPAN_KIND.consumer),
        fabricCall: inTrace.find((span) => span.service === 'retailops-bridge-worker' && span.kind === SPAN_KIND.client && String(span.attributes['url.full']).startsWith(stack.sandboxUrl)),
      };
      return found.producer && found.consumer && found.fabricCall ? found : undefined;
    });
    const names = (service: string) => spans.filter((span) => span.service === service).map((span) => span.name);
    expect(producer?.name).toMatch(/^add cancel\.cancel order 496/);
    expect(spans.some((span) => span.service === 'retailops-bridge-ingress' && span.attributes['db.system.name'] === 'redis')).toBe(true);
    expect(consumer).toMatchObject({ name: 'process cancel', parentSpanId: producer?.spanId });
    expect(names('retailops-bridge-worker')).toEqual(expect.arrayContaining(['order-lane wait', 'fabric budget wait']));
    expect(fabricCall?.parentSpanId).toBe(consumer?.spanId);
    expect(spans.some((span) => span.service === 'retailops-bridge-worker' && span.attributes['db.system.name'] === 'redis')).toBe(true);
    expect(fabricCall?.attributes['http.request.method']).toMatch(/^(GET|POST)$/);

    // Every line of the request and of the job carries the trace id.
    const requestLines = ingress.lines.filter((line) => line['msg'] === 'request completed' && (line['req'] as { url?: string } | undefined)?.url === '/orders/cancel');
    expect(requestLines.map((line) => line['trace_id'])).toEqual([server.traceId]);
    const jobId = (await stack.queues.cancel.getCompleted())[0]?.id;
    const jobLines = worker.lines.filter((line) => line['jobId'] === jobId);
    expect(jobLines.length).toBeGreaterThan(0);
    expect(new Set(jobLines.map((line) => line['trace_id']))).toEqual(new Set([server.traceId]));

    // Secrets stay out of the spans: the seed's ticket (in the body) and the tokens never reach the exporter.
    const exported = receiver.bodies.join('\n');
    expect(exported).not.toContain(SEED_EXAMPLE_TICKET.slice(-40));
    expect(exported).not.toContain(TEST_TOKEN);
  }, 60_000);

  it('the repeating order sync is a trace per run, not one trace for ever', async () => {
    const runs = await eventually(
      'two scheduled order sync runs',
      async () => {
        const found = receiver.spans.filter((span) => span.service === 'retailops-bridge-worker' && span.name === 'process order' && span.kind === SPAN_KIND.consumer);
        return found.length >= 2 ? found : undefined;
      },
      20_000,
    );
    expect(runs.every((run) => run.parentSpanId === '' || run.parentSpanId === undefined)).toBe(true);
    expect(new Set(runs.map((run) => run.traceId)).size).toBe(runs.length);
  }, 30_000);
});

describe('tracing off (no OTEL_EXPORTER_OTLP_ENDPOINT)', () => {
  it('loads no OpenTelemetry SDK, exporter or instrumentation into the ingress or the workers', async () => {
    // The services' module graphs, after startTracing as main.ts calls it; OTel packages are CommonJS, so each one
    // loaded is in require.cache. @opentelemetry/api alone is allowed: a no-op facade (prom-client, manual spans).
    const probe = `
      import { createRequire } from 'node:module';
      const { loadConfig } = await import('./shared/config.ts');
      const { startTracing } = await import('./shared/telemetry/tracing.ts');
      await startTracing(loadConfig(process.env), 'retailops-bridge-ingress');
      await import('./ingress/server.ts');
      await import('./workers/start-workers.ts');
      const loaded = Object.keys(createRequire(import.meta.url).cache)
        .filter((path) => /@opentelemetry|bullmq-otel|@fastify[\\\\/]otel/.test(path))
        .map((path) => path.replace(/^.*node_modules[\\\\/]/, '').split(/[\\\\/](?:build|dist|index)/)[0]);
      console.log(JSON.stringify([...new Set(loaded)]));`;
    const run = async (extra: Record<string, string>) => {
      const { stdout } = await promisify(execFile)(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', probe], {
        cwd: join(import.meta.dirname, '..', '..'),
        env: { ...workerEnv(stack), ...extra },
      });
      return JSON.parse(stdout.trim().split('\n').at(-1) ?? '[]') as string[];
    };
    expect((await run({})).filter((name) => name !== '@opentelemetry/api')).toEqual([]);
    // The probe does see them when tracing is on.
    expect(await run({ OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url })).toEqual(expect.arrayContaining(['@opentelemetry/sdk-trace-node', '@fastify/otel', 'bullmq-otel']));
  }, 60_000);
});
