import autocannon, { type AutocannonRequest } from 'autocannon';
import type { SignedDelivery } from './checkoutEvents.ts';
import type { CpuSnapshot } from './cpuAccounting.ts';

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
  const result = await autocannon({
    url: options.url,
    connections: options.connections,
    duration: options.seconds,
    timeout: 30,
    requests: [
      {
        method: 'POST',
        path: '/api/stripe/webhooks',
        setupRequest: (request: AutocannonRequest, context: Record<string, unknown>) => {
          // Past the end (the plan was too short for the time): repeat deliveries, as duplicates.
          const index = cursor % deliveries.length;
          cursor += 1;
          const delivery = deliveries[index]!;
          context.purchaseIndex = delivery.purchaseIndex;
          return {
            ...request,
            method: 'POST',
            path: '/api/stripe/webhooks',
            headers: { 'content-type': 'application/json; charset=utf-8', 'stripe-signature': delivery.signature },
            body: delivery.body,
          };
        },
        onResponse: (status: number, _body: string, context: Record<string, unknown>) => {
          if (status >= 200 && status < 300) acknowledged[context.purchaseIndex as number] = true;
        },
      } as never,
    ],
  });
  const seconds = (performance.now() - started) / 1000;
  return {
    deliveries: result.requests.total,
    seconds,
    eventsPerSecond: result['2xx'] / seconds,
    latencyP50Milliseconds: result.latency.p50,
    latencyP99Milliseconds: result.latency.p99,
    non2xx: result.non2xx,
    errors: result.errors + result.timeouts,
    acknowledged,
  };
}
