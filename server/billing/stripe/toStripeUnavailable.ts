import Stripe from 'stripe';
import { errorCodes, TopupError } from '../../errors.ts';

/**
 * Stripe failed or could not be reached: the client gets STRIPE_UNAVAILABLE with a message it can
 * show, and the log gets the real cause. Anything that is not a Stripe error is re-thrown as is.
 */
export function toStripeUnavailable(error: unknown, action: string): unknown {
  if (!(error instanceof Stripe.errors.StripeError)) return error;
  return new TopupError(errorCodes.stripeUnavailable, `Payments are unavailable right now (${action}); please try again shortly.`, {
    stripeType: error.type,
    stripeCode: error.code ?? null,
    stripeStatus: error.statusCode ?? null,
  });
}
