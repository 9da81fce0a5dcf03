import type { JobHandler } from '../handler-context.js';

/** Attributes that record RetailOPS' acknowledgement on the fabric order (fabric has no acknowledgement call). */
export const ACK_ATTRIBUTE = 'retailopsAcknowledged';
export const ACKED_AT_ATTRIBUTE = 'retailopsAcknowledgedAt';
export const ORDER_ID_ATTRIBUTE = 'retailopsOrderId';

export const ackOrders: JobHandler<'order.ack'> = async (payload, { fabric, call, meta }) => {
  for (const refnum of payload.refnums) {
    const orderId = payload.retailopsOrderIds[refnum];
    const attributes = { [ACK_ATTRIBUTE]: 'true', [ACKED_AT_ATTRIBUTE]: meta.receivedAt, ...(orderId ? { [ORDER_ID_ATTRIBUTE]: orderId } : {}) };
    await fabric.updateAttributes(refnum, attributes, call);
  }
  return { outcome: `acknowledged ${payload.refnums.length}` };
};
