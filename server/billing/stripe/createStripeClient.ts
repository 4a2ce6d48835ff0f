import Stripe from 'stripe';

/** The API version Topup is written against; pinned so a Stripe account upgrade changes nothing here. */
export const stripeApiVersion = '2026-10-28.endive' as const;

/**
 * The official SDK, pointed at real Stripe or at the local sandbox (`baseUrl` http://127.0.0.1:PORT).
 * The SDK retries network failures, 409s and 429s itself with backoff and idempotency keys; we bound
 * that at two retries and each request at 10 seconds.
 */
export function createStripeClient(options: { secretKey: string; baseUrl?: string | null }): Stripe {
  const sandbox = options.baseUrl ? new URL(options.baseUrl) : null;
  return new Stripe(options.secretKey, {
    apiVersion: stripeApiVersion,
    maxNetworkRetries: 2,
    timeout: 10_000,
    telemetry: false,
    appInfo: { name: 'topup' },
    ...(sandbox ? { host: sandbox.hostname, port: Number(sandbox.port), protocol: sandbox.protocol.replace(':', '') as 'http' | 'https' } : {}),
  });
}
