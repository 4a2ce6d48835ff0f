import type Stripe from 'stripe';
import type { Storage } from '../db/storage.ts';
import type { Logger } from '../log.ts';
import { errorCodes, TopupError } from '../errors.ts';
import { findUser } from '../ledger/findUser.ts';
import type { Pricing } from './pricing.ts';
import type { PurchaseRow } from './purchaseTypes.ts';
import { fulfillCheckout } from './fulfillCheckout.ts';
import { purchaseRecords } from './purchaseRecords.ts';

export interface TopUpState {
  purchase: PurchaseRow;
  /** The owner's balance after this call. */
  balance: number;
}

/**
 * What the success page asks: the state of one checkout session. While the purchase is still open or
 * pending, the session is retrieved from Stripe and settled through `fulfillCheckout`, so credits land
 * even when the webhook is late or lost. If Stripe is unreachable, the recorded state is returned:
 * the page keeps asking and the webhook still comes.
 *
 * A session the database does not know is looked up at Stripe: one created by the app this replaces,
 * for this user, is fulfilled from its metadata.
 * Another user's session answers exactly like one that does not exist (NOT_FOUND, same message; with
 * Stripe down, STRIPE_UNAVAILABLE for both), unless the caller is an admin: the answer never tells
 * whether someone else's session id is real. An automatic top-up's purchase is keyed by its payment
 * intent (`pi_...`) and answered from the record only.
 * Errors: NOT_FOUND (no such top-up, or another user's), BAD_USER_INPUT (not a session or payment
 * intent id), STRIPE_UNAVAILABLE (an id the database does not know while Stripe is unreachable).
 */
export async function checkTopUp(options: {
  storage: Storage;
  stripe: Stripe;
  pricing: Pricing;
  log: Logger;
  viewer: { userId: string; isAdmin: boolean };
  sessionId: string;
}): Promise<TopUpState> {
  const { storage, stripe, pricing, viewer, sessionId } = options;
  const isPaymentIntent = /^pi_[A-Za-z0-9_]{1,250}$/.test(sessionId);
  if (!isPaymentIntent && !/^cs_[A-Za-z0-9_]{1,250}$/.test(sessionId)) {
    throw new TopupError(errorCodes.badUserInput, 'sessionId must be a Stripe checkout session id (cs_...), or the payment intent id (pi_...) of an automatic top-up');
  }
  const recorded = await purchaseRecords.find(storage, sessionId);
  // Another user's purchase is treated as unknown from here on, Stripe lookup included, so that not
  // even an outage (STRIPE_UNAVAILABLE for an unknown id) tells it apart from a made-up id.
  const visible = recorded !== null && (recorded.userId === viewer.userId || viewer.isAdmin);
  let purchase = visible ? recorded : null;
  // An automatic top-up's purchase is written when its payment is granted, never from a lookup.
  if (isPaymentIntent) {
    if (purchase === null) throw new TopupError(errorCodes.notFound, noSuchTopUp);
  } else if (purchase === null || purchase.status === 'open' || purchase.status === 'pending') {
    const session = await retrieveSession({ stripe, sessionId, log: options.log, required: purchase === null });
    if (session) {
      if (purchase === null && (recorded !== null || (session.metadata?.clerk_user_id !== viewer.userId && !viewer.isAdmin))) {
        throw new TopupError(errorCodes.notFound, noSuchTopUp);
      }
      const result = await fulfillCheckout({ storage, pricing, session, asyncPaymentFailed: asyncPaymentFailed(session) });
      if (result.kind === 'settled' || result.kind === 'flagged') purchase = result.purchase;
    }
  }
  if (purchase === null) throw new TopupError(errorCodes.notFound, noSuchTopUp);
  const owner = await findUser(storage, purchase.userId);
  return { purchase, balance: owner?.credits ?? 0 };
}

/** The one answer for an unknown session and for another user's: they must not be told apart. */
const noSuchTopUp = 'No top-up with this session id';

async function retrieveSession(options: { stripe: Stripe; sessionId: string; log: Logger; required: boolean }): Promise<Stripe.Checkout.Session | null> {
  try {
    return await options.stripe.checkout.sessions.retrieve(options.sessionId, { expand: ['payment_intent'] });
  } catch (error) {
    const status = (error as { statusCode?: number }).statusCode;
    if (status === 404) return null;
    options.log.log('warn', 'could not retrieve a checkout session; returning the recorded state', { sessionId: options.sessionId, error });
    if (options.required) {
      throw new TopupError(errorCodes.stripeUnavailable, 'Payments are unavailable right now; please try again shortly.');
    }
    return null;
  }
}

/** An async payment that failed leaves the session `complete`/`unpaid`; its payment intent tells. */
function asyncPaymentFailed(session: Stripe.Checkout.Session): boolean {
  const paymentIntent = session.payment_intent;
  if (paymentIntent === null || typeof paymentIntent === 'string') return false;
  return session.payment_status === 'unpaid' && (paymentIntent.status === 'requires_payment_method' || paymentIntent.status === 'canceled');
}
