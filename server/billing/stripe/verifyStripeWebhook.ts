import type Stripe from 'stripe';

/** Stripe's default tolerance, in seconds, for a signature's timestamp, past or future. */
export const webhookToleranceSeconds = 300;

/**
 * Verifies a webhook delivery with the SDK (the exact bytes, the `Stripe-Signature` header, the
 * endpoint's secret; a timestamp more than 300 seconds old is refused) and refuses, as the SDK does
 * not, a timestamp more than 300 seconds in the future: a signature minted ahead of time would
 * otherwise stay replayable for as long as its author likes.
 * Throws (the route answers 400) when the delivery does not verify.
 */
export function verifyStripeWebhook(options: {
  stripe: Stripe;
  body: Buffer;
  signature: string;
  secret: string;
  nowSeconds?: number;
}): Stripe.Event {
  const nowSeconds = options.nowSeconds ?? Math.floor(Date.now() / 1000);
  const timestamp = /(?:^|,)\s*t=(\d{1,12})(?:,|$)/.exec(options.signature)?.[1];
  if (timestamp !== undefined && Number(timestamp) - nowSeconds > webhookToleranceSeconds) {
    throw new Error(`Timestamp is more than ${webhookToleranceSeconds} seconds in the future`);
  }
  return options.stripe.webhooks.constructEvent(options.body, options.signature, options.secret, webhookToleranceSeconds);
}
