import type Stripe from 'stripe';
import { automaticEventCause, recordEvent } from '../recordEvent.ts';
import type { SandboxContext } from '../sandboxContext.ts';
import { StripeApiError } from '../stripeApiError.ts';
import { captureSessionPayment } from './captureSessionPayment.ts';
import { findCheckoutSession } from './findCheckoutSession.ts';

export type AsyncPaymentResult = 'succeeded' | 'failed';
export const asyncPaymentResults: readonly AsyncPaymentResult[] = ['succeeded', 'failed'];

/**
 * Settles a delayed payment of a completed, unpaid session:
 * - `succeeded`: a charge, the payment intent `succeeded`, the session `paid`; events
 *   `payment_intent.succeeded`, `charge.succeeded`, `checkout.session.async_payment_succeeded`.
 * - `failed`: the payment intent back to `requires_payment_method` with the failure, the
 *   session stays `complete` and `unpaid`; events `payment_intent.payment_failed`,
 *   `checkout.session.async_payment_failed`.
 *
 * Errors: 404 for an unknown session; `invalid_request_error` when the session has no delayed
 * payment awaiting a result.
 */
export function settleAsyncPayment(
  context: SandboxContext,
  options: { sessionId: string; result: AsyncPaymentResult },
): Stripe.Checkout.Session {
  const stored = findCheckoutSession(context, options.sessionId);
  const session = stored.session;
  const paymentIntentId = typeof session.payment_intent === 'string' ? session.payment_intent : null;
  const paymentIntent = paymentIntentId === null ? undefined : context.state.paymentIntents[paymentIntentId];
  if (session.status !== 'complete' || session.payment_status !== 'unpaid' || paymentIntent?.status !== 'processing') {
    throw StripeApiError.invalidRequest('This Checkout Session has no delayed payment awaiting a result; pay it with outcome async_pending first.', {
      code: 'checkout_session_not_processing',
    });
  }
  const cause = automaticEventCause;
  if (options.result === 'succeeded') {
    captureSessionPayment(context, { orderingKey: stored.session.id, paymentIntent, billingEmail: session.customer_details?.email ?? null });
    session.payment_status = 'paid';
    context.markChanged();
    recordEvent(context, { input: { type: 'checkout.session.async_payment_succeeded', object: session }, orderingKey: session.id, cause });
    return session;
  }
  paymentIntent.status = 'requires_payment_method';
  paymentIntent.last_payment_error = {
    code: 'payment_method_provider_decline',
    message: 'The payment was declined by the bank after processing.',
    payment_method_type: paymentIntent.payment_method_types[0] ?? 'card',
    type: 'card_error',
  };
  context.markChanged();
  recordEvent(context, { input: { type: 'payment_intent.payment_failed', object: paymentIntent }, orderingKey: session.id, cause });
  recordEvent(context, { input: { type: 'checkout.session.async_payment_failed', object: session }, orderingKey: session.id, cause });
  return session;
}
