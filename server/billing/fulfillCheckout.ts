import type Stripe from 'stripe';
import type { Storage } from '../db/storage.ts';
import type { Pricing } from './pricing.ts';
import { purchaseRecords, type EventHandling, type StripeEventRecord } from './purchaseRecords.ts';
import { topUpMetadataType } from './topUpMetadata.ts';

/**
 * What fulfilling a session did: the event outcomes that concern a checkout session. `duplicate`
 * only with an `event` (the event was processed before); `flagged` is a paid session that must not be
 * granted (its purchase says why).
 */
export type FulfillmentResult = Extract<EventHandling, { kind: 'duplicate' | 'ignored' | 'settled' | 'flagged' }>;

/**
 * The one fulfillment path, called by the webhook (with the session from the verified event: no API
 * call), and by the `topUp` query and reconcile (with a session retrieved from Stripe). It grants only
 * a paid session, only once (the SQL function locks the purchase and keys the grant by session id),
 * and only when the amount, currency and metadata match what was recorded; a mismatch is flagged,
 * not granted. A session the database never recorded (from the app this replaces) is recorded from
 * its metadata and granted when the amount paid covers the credits at our price.
 *
 * `event`: the webhook's event, recorded in the same transaction (one round trip, one commit).
 * `asyncPaymentFailed`: the session comes from `checkout.session.async_payment_failed` (the session
 * object alone still says `payment_status: unpaid` then).
 * Errors: NOT_FOUND for an unknown session without usable metadata; transient storage errors.
 */
export async function fulfillCheckout(options: {
  storage: Storage;
  pricing: Pricing;
  session: Stripe.Checkout.Session;
  asyncPaymentFailed?: boolean;
  event?: StripeEventRecord;
}): Promise<FulfillmentResult> {
  const { storage, pricing, session, event } = options;
  const ignored = reasonToIgnore(session);
  const outcome = ignored === null ? outcomeOf(session, options.asyncPaymentFailed ?? false) : null;
  if (ignored !== null || outcome === null) {
    const description = `ignored: ${ignored ?? `session is ${session.status}, nothing to settle`}`;
    if (event) return purchaseRecords.applyIgnoredEvent(storage, { event, outcome: description });
    return { kind: 'ignored', description };
  }
  const settlement = { sessionId: session.id, outcome, ...settlementFromSession(session, pricing) };
  if (event === undefined) return purchaseRecords.settle(storage, settlement);
  return purchaseRecords.applyCheckoutEvent(storage, { event, settlement });
}

function reasonToIgnore(session: Stripe.Checkout.Session): string | null {
  if (session.metadata?.type !== topUpMetadataType) return 'not a credit top-up';
  if (session.mode !== 'payment') return `mode ${session.mode} is not a one-time payment`;
  return null;
}

function outcomeOf(session: Stripe.Checkout.Session, asyncPaymentFailed: boolean): 'paid' | 'pending' | 'failed' | 'expired' | null {
  if (session.status === 'expired') return 'expired';
  if (session.status !== 'complete') return null;
  if (session.payment_status === 'paid') return 'paid';
  return asyncPaymentFailed ? 'failed' : 'pending';
}

/**
 * What the session says, for the SQL function to compare with what was recorded. The legacy record
 * is used only when the database has no row for the session; it is null when the metadata names no
 * usable user (the session is then refused as unknown).
 */
function settlementFromSession(session: Stripe.Checkout.Session, pricing: Pricing) {
  const metadata = session.metadata ?? {};
  const metadataUserId = metadata.clerk_user_id ?? '';
  const metadataCredits = parseCredits(metadata.credits_amount);
  const userUsable = /^[A-Za-z0-9_:.-]{1,128}$/.test(metadataUserId);
  // Over today's maximum, a legacy amount cannot be priced: it is recorded as flagged for an admin.
  const legacyPriceable = metadataCredits !== null && metadataCredits <= pricing.creditsMax;
  return {
    amountPaidMinor: session.amount_total,
    currency: session.currency,
    paymentIntentId: paymentIntentIdOf(session),
    metadataUserId: userUsable ? metadataUserId : `unusable:${metadataUserId.slice(0, 60)}`,
    metadataCredits,
    legacy: userUsable
      ? {
          userId: metadataUserId,
          credits: legacyPriceable ? metadataCredits : 0,
          amountMinor: legacyPriceable ? priceAtAnyVolume(pricing, metadataCredits) : 0,
        }
      : null,
    flagReason: metadataCredits !== null
      ? null
      : `session with credits_amount "${String(metadata.credits_amount).slice(0, 40)}", not a sane positive integer`,
  };
}

/** A whole number of credits written as digits only, or null ("71" yes; "-5", "1.5", "1e3", "" no). */
function parseCredits(value: string | undefined): number | null {
  if (value === undefined || !/^[1-9]\d{0,15}$/.test(value)) return null;
  const credits = Number(value);
  return Number.isSafeInteger(credits) ? credits : null;
}

/**
 * What `credits` cost at the configured price, ignoring the purchase bounds: a legacy purchase may
 * be smaller than today's minimum, and must still be checked against the price.
 */
function priceAtAnyVolume(pricing: Pricing, credits: number): number {
  if (credits >= pricing.creditsMin) return pricing.quote(credits);
  // Below the minimum the price is proportional: scale up to the minimum and back down, rounding up
  // (never accepting less than the price).
  const perMinimum = pricing.quote(pricing.creditsMin);
  return Math.ceil((perMinimum * credits) / pricing.creditsMin);
}

function paymentIntentIdOf(session: Stripe.Checkout.Session): string | null {
  const paymentIntent = session.payment_intent;
  if (paymentIntent === null || paymentIntent === undefined) return null;
  return typeof paymentIntent === 'string' ? paymentIntent : paymentIntent.id;
}
