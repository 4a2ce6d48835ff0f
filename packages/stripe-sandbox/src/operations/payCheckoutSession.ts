import type Stripe from 'stripe';
import { createId } from '../createId.ts';
import { buildPaymentMethod } from '../objects/buildPaymentMethod.ts';
import { recordEvent } from '../recordEvent.ts';
import { unixSeconds } from '../sandboxContext.ts';
import type { SandboxContext } from '../sandboxContext.ts';
import type { StoredCheckoutSession } from '../sandboxState.ts';
import { StripeApiError } from '../stripeApiError.ts';
import { captureSessionPayment } from './captureSessionPayment.ts';
import { convertSessionCurrency, type SessionConversion } from './convertSessionCurrency.ts';
import { ensureSessionPaymentIntent } from './ensureSessionPaymentIntent.ts';
import { findCheckoutSession } from './findCheckoutSession.ts';

export type PaymentOutcome = 'paid' | 'declined' | 'async_pending';
export const paymentOutcomes: readonly PaymentOutcome[] = ['paid', 'declined', 'async_pending'];

/** What a customer sees when Stripe's test card 4000 0000 0000 0002 is declined. */
const declineMessage = 'Your card was declined.';

export type PayCheckoutSessionResult =
  | { outcome: 'completed'; session: Stripe.Checkout.Session }
  | { outcome: 'declined'; session: Stripe.Checkout.Session; error: StripeApiError };

/**
 * The customer pays on the hosted page, as Stripe would process it:
 * - `paid`: the payment intent succeeds with a charge, the session becomes `complete` and
 *   `paid`; events `payment_intent.succeeded`, `charge.succeeded`, `checkout.session.completed`.
 * - `declined`: the payment intent records the decline (`payment_intent.payment_failed`), the
 *   session stays open, and the result carries Stripe's 402 `card_declined` error.
 * - `async_pending`: a delayed method (like a bank debit) is accepted: the payment intent is
 *   `processing`, the session `complete` but `unpaid`; events `payment_intent.processing`,
 *   `checkout.session.completed`. `settleAsyncPayment` decides the result later.
 *
 * `saveCard`: the customer agrees to save the card; when the session asked for it
 * (`payment_intent_data.setup_future_usage`), the card's payment method is attached to the
 * session's customer, so it can be charged later (off-session). Every attempt pays with a new
 * payment method, as a customer typing the card again would.
 *
 * `conversion`: the customer pays in their own currency (Adaptive Pricing, see
 * `convertSessionCurrency`); the payment intent, the charge and every amount after it are in it.
 *
 * Errors: 404 for an unknown session; `invalid_request_error` when the session is not open or the
 * conversion is refused.
 */
export function payCheckoutSession(
  context: SandboxContext,
  options: { sessionId: string; outcome: PaymentOutcome; saveCard?: boolean; conversion?: SessionConversion | null },
): PayCheckoutSessionResult {
  const stored = findCheckoutSession(context, options.sessionId);
  const session = stored.session;
  if (session.status !== 'open') {
    throw StripeApiError.invalidRequest(
      `This Checkout Session is ${session.status === 'complete' ? 'already complete' : 'expired'} and can no longer be paid.`,
      { code: 'checkout_session_not_open' },
    );
  }
  if (options.conversion) convertSessionCurrency(context, stored, options.conversion);
  const paymentIntent = ensureSessionPaymentIntent(context, stored);
  paymentIntent.payment_method = createPaymentMethod(context, stored, options.saveCard ?? false).id;
  switch (options.outcome) {
    case 'paid': {
      captureSessionPayment(context, { orderingKey: session.id, paymentIntent, billingEmail: billingEmail(context, stored) });
      completeSession(context, stored, 'paid');
      return { outcome: 'completed', session };
    }
    case 'declined':
      return { outcome: 'declined', session, error: declinePayment(context, stored, paymentIntent) };
    case 'async_pending': {
      paymentIntent.status = 'processing';
      paymentIntent.last_payment_error = null;
      context.markChanged();
      recordEvent(context, { input: { type: 'payment_intent.processing', object: paymentIntent }, orderingKey: session.id });
      completeSession(context, stored, 'unpaid');
      return { outcome: 'completed', session };
    }
  }
}

function createPaymentMethod(context: SandboxContext, stored: StoredCheckoutSession, saveCard: boolean): Stripe.PaymentMethod {
  const customer = typeof stored.session.customer === 'string' ? stored.session.customer : null;
  const saved = saveCard && customer !== null && (stored.paymentIntentData.setupFutureUsage ?? null) !== null;
  const paymentMethod = buildPaymentMethod({
    id: createId('pm_1'),
    created: unixSeconds(context.now()),
    customer: saved ? customer : null,
    email: billingEmail(context, stored),
  });
  context.state.paymentMethods[paymentMethod.id] = paymentMethod;
  context.markChanged();
  return paymentMethod;
}

function declinePayment(context: SandboxContext, stored: StoredCheckoutSession, paymentIntent: Stripe.PaymentIntent): StripeApiError {
  paymentIntent.status = 'requires_payment_method';
  paymentIntent.last_payment_error = {
    code: 'card_declined',
    decline_code: 'generic_decline',
    doc_url: 'https://stripe.com/docs/error-codes/card-declined',
    message: declineMessage,
    payment_method_type: 'card',
    type: 'card_error',
  };
  context.markChanged();
  recordEvent(context, { input: { type: 'payment_intent.payment_failed', object: paymentIntent }, orderingKey: stored.session.id });
  return new StripeApiError({
    statusCode: 402,
    type: 'card_error',
    code: 'card_declined',
    declineCode: 'generic_decline',
    message: declineMessage,
    extra: { payment_intent: structuredClone(paymentIntent) },
  });
}

function completeSession(context: SandboxContext, stored: StoredCheckoutSession, paymentStatus: 'paid' | 'unpaid'): void {
  const session = stored.session;
  session.status = 'complete';
  session.payment_status = paymentStatus;
  session.url = null;
  session.customer_details = {
    address: { city: null, country: 'US', line1: null, line2: null, postal_code: '94103', state: null },
    business_name: null,
    email: billingEmail(context, stored),
    individual_name: null,
    name: 'Jenny Rosen',
    phone: null,
    tax_exempt: 'none',
    tax_ids: [],
  };
  context.markChanged();
  recordEvent(context, { input: { type: 'checkout.session.completed', object: session }, orderingKey: session.id });
}

/** The email the customer typed on the page: the prefilled one, else the customer's, else a test one. */
function billingEmail(context: SandboxContext, stored: StoredCheckoutSession): string {
  const session = stored.session;
  const customerId = typeof session.customer === 'string' ? session.customer : null;
  const customerEmail = customerId === null ? null : (context.state.customers[customerId]?.email ?? null);
  return session.customer_email ?? customerEmail ?? 'jenny.rosen@example.com';
}
