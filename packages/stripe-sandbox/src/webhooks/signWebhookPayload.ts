import { createHmac } from 'node:crypto';

/**
 * The value of a `Stripe-Signature` header, computed exactly as Stripe does: an HMAC-SHA256,
 * keyed with the endpoint's `whsec_...` secret, of `"<timestamp>.<raw body>"`, sent as
 * `t=<timestamp>,v1=<hex digest>`. `stripe.webhooks.constructEvent` verifies it.
 */
export function signWebhookPayload(options: { payload: string; secret: string; timestampSeconds: number }): string {
  const signedText = `${options.timestampSeconds}.${options.payload}`;
  const digest = createHmac('sha256', options.secret).update(signedText, 'utf8').digest('hex');
  return `t=${options.timestampSeconds},v1=${digest}`;
}
