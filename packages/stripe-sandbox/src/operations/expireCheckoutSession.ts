import { automaticEventCause, recordEvent, type EventCause } from '../recordEvent.ts';
import { unixSeconds, type SandboxContext } from '../sandboxContext.ts';
import type { StoredCheckoutSession } from '../sandboxState.ts';
import { StripeApiError } from '../stripeApiError.ts';

/**
 * Expires an open session, as `POST /v1/checkout/sessions/:id/expire` and the passing of
 * `expires_at` do: status `expired`, no more `url`, its payment intent (left by a declined
 * attempt) canceled, and a `checkout.session.expired` event.
 *
 * Errors: `invalid_request_error` when the session is not open.
 */
export function expireCheckoutSession(context: SandboxContext, stored: StoredCheckoutSession, cause: EventCause): void {
  const session = stored.session;
  if (session.status !== 'open') {
    throw StripeApiError.invalidRequest(
      `Only Checkout Sessions with a status of \`open\` can be expired. This session's status is \`${session.status}\`.`,
      { param: 'session' },
    );
  }
  session.status = 'expired';
  session.url = null;
  const paymentIntentId = typeof session.payment_intent === 'string' ? session.payment_intent : null;
  const paymentIntent = paymentIntentId === null ? undefined : context.state.paymentIntents[paymentIntentId];
  if (paymentIntent !== undefined && paymentIntent.status === 'requires_payment_method') {
    paymentIntent.status = 'canceled';
    paymentIntent.canceled_at = unixSeconds(context.now());
    paymentIntent.cancellation_reason = 'abandoned';
  }
  context.markChanged();
  recordEvent(context, { input: { type: 'checkout.session.expired', object: session }, orderingKey: session.id, cause });
}

/** Expires the session if it is open and its `expires_at` has passed; reads call this first. */
export function expireCheckoutSessionIfDue(context: SandboxContext, stored: StoredCheckoutSession): void {
  if (stored.session.status === 'open' && stored.session.expires_at <= unixSeconds(context.now())) {
    expireCheckoutSession(context, stored, automaticEventCause);
  }
}

/** The periodic sweep: expires every open session past its `expires_at`. */
export function expireDueCheckoutSessions(context: SandboxContext): void {
  for (const stored of Object.values(context.state.checkoutSessions)) expireCheckoutSessionIfDue(context, stored);
}
