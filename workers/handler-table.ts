import type { JobKind } from '../shared/jobs/contract.js';
import { cancelOrder } from './cancel/cancel-order.js';
import { pushInventory } from './inventory/push-inventory.js';
import type { JobHandler } from './handler-context.js';
import { ackOrders } from './order/ack-order.js';
import { completeOrder } from './order/complete-order.js';
import { submitShipment } from './order/submit-shipment.js';
import { syncOrders } from './order/sync-orders.js';
import { returnOrder } from './return/return-order.js';
import { verifySettlement } from './settle/verify-settlement.js';
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
  'inventory.push': pushInventory,
  'order.settle': verifySettlement,
};
