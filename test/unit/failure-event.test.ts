import { describe, expect, it } from 'vitest';
import { channelEventSchema } from '../../shared/events/event.js';
import { FabricError, transportError } from '../../shared/fabric/errors.js';
import { HttpTimeoutError } from '../../shared/fabric/http.js';
import { JobStalledError } from '../../shared/jobs/stalls.js';
import type { JobData, JobKind, JobPayload } from '../../shared/jobs/contract.js';
import { ActionRejectedError } from '../../workers/action-rejected.js';
import { failureEvent } from '../../workers/failure-event.js';

const meta = { clientId: '497', channelId: '21', bindingKey: 'b', requestId: 'req-1', receivedAt: '2024-01-01T00:00:00.000Z', sourceAction: null };
const data = <K extends JobKind>(kind: K, payload: JobPayload<K>): JobData => ({ kind, meta, payload }) as JobData;

const cancel = data('cancel', { refnum: '496', retailopsOrderId: null });
const update = data('update', { refnum: '496', lineItems: [] });
const ack = data('order.ack', { refnums: ['1', '2', '3'], retailopsOrderIds: {} });

function fabricAnswer(status: number, errorCode: string | null): FabricError {
  return new FabricError(`fabric POST answered ${status}: down`, {
    status,
    errorCode,
    requestUrl: 'https://fabric.test/orders/order-number/496/actions/cancel',
    method: 'POST',
    retryAfterMs: null,
    kind: 'transient',
  });
}

describe('workers/failure-event', () => {
  it('names the skus of an inventory part, at most 100, and no order', () => {
    const writes = Array.from({ length: 150 }, (_, index) => ({ sku: `S${index}`, locationNumber: 1, counters: { onHand: 1 } }));
    const event = failureEvent('job-9', data('inventory.push', { pushId: 'p', lane: '0', writes, unknownSku: 'report' }), fabricAnswer(503, null), 8);
    expect(event).toMatchObject({ action: 'inventory_push', code: 'FABRIC_HTTP_503', httpStatus: 503 });
    expect(event.associations).toHaveLength(100);
    expect(event.associations.every((association) => association.type === 'sku')).toBe(true);
    expect(event.associations[0]).toEqual({ type: 'sku', id: 'S0' });
  });

  it('reports a rejection with its code, message, order and skus, and its diagnostic', () => {
    const error = new ActionRejectedError('ORDER_NOT_CANCELLABLE', 'Order 496 has nothing left to cancel', ['A', 'B'], { statusCode: 'ORDER_SHIPPED' });
    const event = failureEvent('job-7', cancel, error, 1);
    expect(channelEventSchema.parse(event)).toEqual(event);
    expect(event).toMatchObject({
      id: 'job-job-7',
      severity: 'error',
      action: 'order_cancel',
      code: 'ORDER_NOT_CANCELLABLE',
      message: 'Order 496 has nothing left to cancel',
      httpStatus: null,
      requestUrl: null,
      associations: [
        { type: 'order', id: '496' },
        { type: 'sku', id: 'A' },
        { type: 'sku', id: 'B' },
      ],
      diagnostic: { jobId: 'job-7', attempts: 1, requestId: 'req-1', statusCode: 'ORDER_SHIPPED' },
    });
  });

  it('reports a stalled job as JOB_STALLED with the stall count', () => {
    const event = failureEvent('j', update, new JobStalledError(4), 1);
    expect(event).toMatchObject({ action: 'order_update', code: 'JOB_STALLED', associations: [{ type: 'order', id: '496' }] });
    expect(event.message).toMatch(/^the job was taken back 4 times/);
    expect(event.diagnostic).toEqual({ jobId: 'j', attempts: 1, requestId: 'req-1', stalls: 4 });
  });

  it("reports fabric's own error code, with the status and the URL of the failed call", () => {
    const event = failureEvent('j', cancel, fabricAnswer(503, 'SERVICE-5000'), 5);
    expect(event).toMatchObject({
      code: 'SERVICE-5000',
      message: 'fabric POST answered 503: down',
      httpStatus: 503,
      requestUrl: 'https://fabric.test/orders/order-number/496/actions/cancel',
      diagnostic: { jobId: 'j', attempts: 5, requestId: 'req-1', retryable: true },
    });
  });

  it('names an answer without an error code by its status', () => {
    expect(failureEvent('j', cancel, fabricAnswer(502, null), 5)).toMatchObject({ code: 'FABRIC_HTTP_502', httpStatus: 502 });
  });

  it('reports a call that got no answer by the code of its FabricError', () => {
    const timeout = transportError(new HttpTimeoutError('headers'), { subject: 'fabric', method: 'GET', url: 'https://fabric.test/x', timeoutMs: 10_000 });
    const event = failureEvent('j', cancel, timeout, 5);
    expect(event).toMatchObject({ code: 'TIMEOUT', message: 'fabric did not answer within 10000 ms', httpStatus: null, requestUrl: 'https://fabric.test/x' });
  });

  it('reports a fault of its own as INTERNAL_ERROR without passing its message on', () => {
    const event = failureEvent('j', cancel, new TypeError("Cannot read properties of undefined (reading 'items')"), 1);
    expect(event).toMatchObject({ code: 'INTERNAL_ERROR', message: 'The channel action failed unexpectedly', httpStatus: null, requestUrl: null });
    expect(event.diagnostic).toEqual({ jobId: 'j', attempts: 1, requestId: 'req-1' });
  });

  it('names every order of a job about several', () => {
    const event = failureEvent('j', ack, new Error('x'), 1);
    expect(event.action).toBe('order_ack');
    expect(event.associations).toEqual(['1', '2', '3'].map((id) => ({ type: 'order', id })));
  });
});
