// Spans the code makes itself, for the waits no library sees. @opentelemetry/api alone: without a registered SDK
// (tracing off) its tracer hands out non-recording spans, and the cost is a context switch per call.
import { SpanStatusCode, trace } from '@opentelemetry/api';
import { DelayedError } from 'bullmq';

const tracer = trace.getTracer('retailops-bridge');

/**
 * Runs `work` inside a span named `name` (its calls, Redis or fabric, become its children). A DelayedError is how a
 * job is put back to wait (its order's turn, its budget slot): the span says so rather than report a failure.
 */
export function inSpan<T>(name: string, work: () => Promise<T>): Promise<T> {
  return tracer.startActiveSpan(name, async (span) => {
    try {
      return await work();
    } catch (error) {
      if (error instanceof DelayedError) {
        span.setAttribute('job.delayed', true);
      } else {
        span.recordException(error instanceof Error ? error : String(error));
        span.setStatus({ code: SpanStatusCode.ERROR });
      }
      throw error;
    } finally {
      span.end();
    }
  });
}

/** Sets an attribute on the span the caller runs in, if one is recording. */
export function noteOnSpan(key: string, value: string | number | boolean): void {
  trace.getActiveSpan()?.setAttribute(key, value);
}
