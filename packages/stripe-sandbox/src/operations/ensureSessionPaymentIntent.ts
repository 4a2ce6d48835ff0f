import type Stripe from 'stripe';
import { createId } from '../createId.ts';
import { buildPaymentIntent } from '../objects/buildPaymentIntent.ts';
import { unixSeconds, type SandboxContext } from '../sandboxContext.ts';
import type { StoredCheckoutSession } from '../sandboxState.ts';

/**
 * The session's payment intent, created on the first payment attempt as Stripe does in current
 * API versions: amount and currency of the session, its customer, and the metadata and
 * description of `payment_intent_data`. A later attempt (after a decline) reuses it.
 */
export function ensureSessionPaymentIntent(context: SandboxContext, stored: StoredCheckoutSession): Stripe.PaymentIntent {
  const session = stored.session;
  const existingId = typeof session.payment_intent === 'string' ? session.payment_intent : null;
  const existing = existingId === null ? undefined : context.state.paymentIntents[existingId];
  if (existing !== undefined) return existing;
  const id = createId('pi_3');
  const paymentIntent = buildPaymentIntent({
    id,
    clientSecret: `${id}_secret_${createId('', 25)}`,
    created: unixSeconds(context.now()),
    amountMinor: session.amount_total ?? 0,
    currency: session.currency ?? 'usd',
    customer: typeof session.customer === 'string' ? session.customer : null,
    description: stored.paymentIntentData.description,
    metadata: { ...stored.paymentIntentData.metadata },
    paymentMethodTypes: [...session.payment_method_types],
  });
  paymentIntent.setup_future_usage = stored.paymentIntentData.setupFutureUsage ?? null;
  context.state.paymentIntents[id] = paymentIntent;
  session.payment_intent = id;
  context.markChanged();
  return paymentIntent;
}
