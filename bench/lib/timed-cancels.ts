// Order cancels sent one at a time at a steady pace, each timed from its request to fabric's cancel reaching the
// sandbox (the ledger's arrival time): the latency RetailOPS' action sees through to fabric.
import { percentile, round, sleep } from './util.js';
import { orderCancelJson } from './v1-requests.js';

export interface SentCancel {
  readonly refnum: number;
  /** Date.now() just before the request was sent (the ledger's clock is the same machine's). */
  readonly sentAt: number;
  /** How long the ingress took to answer it. */
  readonly answerMs: number;
}

/** Posts an order_cancel_v1 for each of `refnums`, `spacingMs` apart (a pace, not a burst: each is timed alone). */
export async function sendCancels(ingressUrl: string, refnums: readonly number[], spacingMs: number): Promise<SentCancel[]> {
  const sent: SentCancel[] = [];
  for (const [index, refnum] of refnums.entries()) {
    if (index > 0) await sleep(spacingMs);
    const body = orderCancelJson(refnum);
    const sentAt = Date.now();
    const started = performance.now();
    const response = await fetch(`${ingressUrl}/order_cancel_v1`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
    const text = await response.text();
    if (response.status !== 200) throw new Error(`order_cancel_v1 of ${refnum} answered ${response.status}: ${text.slice(0, 300)}`);
    sent.push({ refnum, sentAt, answerMs: performance.now() - started });
  }
  return sent;
}

export interface CancelLatency {
  readonly count: number;
  readonly p50Ms: number;
  readonly maxMs: number;
  readonly all: number[];
}

/** Each cancel's time from its request to its fabric cancel's arrival; every cancel must have arrived. */
export function cancelLatency(sent: readonly SentCancel[], arrivals: ReadonlyMap<string, number>): CancelLatency {
  const all = sent.map((cancel) => {
    const arrived = arrivals.get(String(cancel.refnum));
    if (arrived === undefined) throw new Error(`the cancel of order ${cancel.refnum} never reached the sandbox`);
    return arrived - cancel.sentAt;
  });
  const sorted = [...all].sort((a, b) => a - b);
  return { count: all.length, p50Ms: percentile(sorted, 50), maxMs: sorted.at(-1) ?? Number.NaN, all: all.map((ms) => round(ms, 1)) };
}
