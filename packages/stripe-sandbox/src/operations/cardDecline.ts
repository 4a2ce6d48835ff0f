import type Stripe from 'stripe';
import type { CardBehavior } from '../sandboxState.ts';
import { StripeApiError } from '../stripeApiError.ts';

/** Stripe's error for a card behaviour that does not succeed, as `last_payment_error` and as the 402 body. */
export interface CardFailure {
  code: string;
  declineCode: string;
  message: string;
}

/**
 * What Stripe answers for each failing test card (docs "Testing: declined payments" and "Charge a
 * saved card off-session"): an off-session payment that needs authentication fails with
 * `authentication_required` (code and decline code); declines are `card_declined` with the
 * issuer's reason as `decline_code`; an expired card is `expired_card`.
 */
export function cardFailureOf(behavior: CardBehavior): CardFailure | null {
  switch (behavior) {
    case 'succeed':
      return null;
    case 'authentication_required':
      return { code: 'authentication_required', declineCode: 'authentication_required', message: 'Your card was declined. This transaction requires authentication.' };
    case 'card_declined':
      return { code: 'card_declined', declineCode: 'generic_decline', message: 'Your card was declined.' };
    case 'insufficient_funds':
      return { code: 'card_declined', declineCode: 'insufficient_funds', message: 'Your card has insufficient funds.' };
    case 'expired_card':
      return { code: 'expired_card', declineCode: 'expired_card', message: 'Your card has expired.' };
  }
}

/** The failure recorded on the payment intent as Stripe does (`last_payment_error`, with the payment method). */
export function lastPaymentErrorOf(failure: CardFailure, paymentMethod: Stripe.PaymentMethod | null): Stripe.PaymentIntent.LastPaymentError {
  return {
    code: failure.code,
    decline_code: failure.declineCode,
    doc_url: `https://stripe.com/docs/error-codes/${failure.code.replaceAll('_', '-')}`,
    message: failure.message,
    ...(paymentMethod === null ? {} : { payment_method: structuredClone(paymentMethod) }),
    payment_method_type: 'card',
    type: 'card_error',
  };
}

/** The 402 `card_error` Stripe answers, with the payment intent (and its payment method) as it is now. */
export function cardError(failure: CardFailure, paymentIntent: Stripe.PaymentIntent, paymentMethod: Stripe.PaymentMethod | null): StripeApiError {
  return new StripeApiError({
    statusCode: 402,
    type: 'card_error',
    code: failure.code,
    declineCode: failure.declineCode,
    message: failure.message,
    extra: {
      payment_intent: structuredClone(paymentIntent),
      ...(paymentMethod === null ? {} : { payment_method: structuredClone(paymentMethod) }),
    },
  });
}
