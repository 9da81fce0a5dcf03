import type { JobKind } from '../shared/queues.js';
import { cancelOrder } from './cancel/cancel-order.js';
import type { JobHandler } from './handler.js';
import { ackOrders } from './order/ack-order.js';
import { completeOrder } from './order/complete-order.js';
import { submitShipment } from './order/submit-shipment.js';
import { syncOrders } from './order/sync-orders.js';
import { returnOrder } from './return/return-order.js';
import { updateOrder } from './update/update-order.js';

/** Each job kind's handler: the path from queue to fabric call, by folder. */
export const HANDLERS: { [K in JobKind]: JobHandler<K> } = {
  'order.sync': syncOrders,
  'order.ack': ackOrders,
  'order.complete': completeOrder,
  'order.shipment': submitShipment,
  cancel: cancelOrder,
  update: updateOrder,
  return: returnOrder,
};

/** The RetailOPS action a job kind carries out, as failure events name it. */
export const ACTION_NAMES: Record<JobKind, string> = {
  'order.sync': 'order_sync',
  'order.ack': 'order_ack',
  'order.complete': 'order_complete',
  'order.shipment': 'order_shipment_submit',
  cancel: 'order_cancel',
  update: 'order_update',
  return: 'order_returned',
};
