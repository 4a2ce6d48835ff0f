import type { SignedDelivery } from './checkoutEvents.ts';
import type { CpuSnapshot } from './cpuAccounting.ts';
import { postLoad } from './postLoad.ts';

export interface WebhookLoadResult {
  deliveries: number;
  seconds: number;
  eventsPerSecond: number;
  latencyP50Milliseconds: number;
  latencyP99Milliseconds: number;
  non2xx: number;
  errors: number;
  /** Per purchase: whether at least one delivery of its event got a 2xx. */
  acknowledged: boolean[];
  /** CPU seconds the run cost the server, PostgreSQL and the load generator (set by the caller). */
  cpuSeconds?: CpuSnapshot;
}

/**
 * POSTs the deliveries in order to `/api/stripe/webhooks` with autocannon over `connections`
 * keep-alive connections (one request in flight on each) for `seconds`. Deliveries are taken from a
 * shared cursor, so the run follows the planned sequence; the run stops on time rather than at the
 * end of the plan, which is why acknowledgements are recorded from the responses, not from the plan.
 */
export async function postWebhooks(options: {
  url: string;
  deliveries: SignedDelivery[];
  connections: number;
  purchaseCount: number;
  /** Stop after this many seconds even if deliveries are left (they stay unsent, and unacknowledged). */
  seconds: number;
}): Promise<WebhookLoadResult> {
  const { deliveries } = options;
  const acknowledged = new Array<boolean>(options.purchaseCount).fill(false);
  let cursor = 0;
  const started = performance.now();
  const { result, ...summary } = await postLoad({
    url: options.url,
    path: '/api/stripe/webhooks',
    connections: options.connections,
    seconds: options.seconds,
    nextRequest: (context) => {
      // Past the end (the plan was too short for the time): repeat deliveries, as duplicates.
      const delivery = deliveries[cursor % deliveries.length]!;
      cursor += 1;
      context.purchaseIndex = delivery.purchaseIndex;
      return { headers: { 'content-type': 'application/json; charset=utf-8', 'stripe-signature': delivery.signature }, body: delivery.body };
    },
    onResponse: (status, context) => {
      if (status >= 200 && status < 300) acknowledged[context.purchaseIndex as number] = true;
    },
  });
  const seconds = (performance.now() - started) / 1000;
  return { deliveries: result.requests.total, seconds, eventsPerSecond: result['2xx'] / seconds, ...summary, acknowledged };
}
