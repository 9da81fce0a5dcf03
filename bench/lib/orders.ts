import { demoOrderId, demoOrderInputs } from '../../sandbox/demo-orders.js';
import type { SandboxClient, SandboxOrderInput } from '../../sandbox/client.js';
import { buildDemoOrders } from '../../sandbox/state.js';
import { fabricOrderSchema } from '../../shared/fabric/schemas.js';
import { toChannelOrder } from '../../shared/inbox/map-order.js';
import { mapLimit } from './util.js';

/**
 * Orders for the benchmarks, shaped like the sandbox's demo orders (498: two open lines, customer, ship-to,
 * payment), numbered `refnum` so RetailOPS' `channel_refnum` finds them.
 */
function orderInput(template: SandboxOrderInput, refnum: number): SandboxOrderInput {
  const number = String(refnum);
  return { ...template, orderNumber: number, orderId: demoOrderId(number) };
}

/** Creates open orders `first … first + count - 1` in the sandbox (its test hook, no faults, no auth). */
export async function createSandboxOrders(client: SandboxClient, first: number, count: number, concurrency = 16): Promise<void> {
  const template = demoOrderInputs().find((order) => order.orderNumber === '498');
  if (!template) throw new Error('sandbox demo order 498 is missing');
  const refnums = Array.from({ length: count }, (_, index) => first + index);
  await mapLimit(refnums, concurrency, async (refnum) => {
    await client.createOrder(orderInput(template, refnum));
  });
}

/**
 * Inbox orders as the order sync stores them: demo order 496 (three lines, gift message, addresses) read as a
 * fabric order and mapped by the worker's own mapping, numbered `first …`.
 */
export function inboxOrders(first: number, count: number): ReturnType<typeof toChannelOrder>[] {
  const demo = buildDemoOrders(new Date().toISOString()).find((order) => order.orderNumber === '496');
  if (!demo) throw new Error('sandbox demo order 496 is missing');
  return Array.from({ length: count }, (_, index) => {
    const number = String(first + index);
    return toChannelOrder(fabricOrderSchema.parse({ ...demo, orderNumber: number, orderId: demoOrderId(number) }));
  });
}
