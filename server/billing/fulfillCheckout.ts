import type Stripe from 'stripe';
import type { Storage } from '../db/storage.ts';
import type { CurrencyPricing, Pricing } from './pricing.ts';
import { purchaseRecords, type EventHandling, type Settlement, type StripeEventRecord } from './purchaseRecords.ts';
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
 *
 * Adaptive Pricing: when Stripe converted the session into the customer's currency, `amount_total`
 * and `currency` are what the customer was charged (the presentment ones) and `currency_conversion`
 * holds the session's own amounts (`amount_total` in `source_currency`). The source amounts are
 * what is compared with the record, so a converted session is granted exactly the recorded credits
 * (never a number recomputed from the presentment amount), and the presentment ones are kept for
 * the admin and for refunds, which Stripe reports in the charged currency.
 */
function settlementFromSession(session: Stripe.Checkout.Session, pricing: Pricing) {
  const metadata = session.metadata ?? {};
  const metadataUserId = metadata.clerk_user_id ?? '';
  const metadataCredits = parseCredits(metadata.credits_amount);
  const userUsable = /^[A-Za-z0-9_:.-]{1,128}$/.test(metadataUserId);
  const paid = paidAmountsOf(session);
  // A legacy session is priced in the currency it was created in; one that is not offered (or over
  // today's maximum) cannot be priced: it is recorded as flagged for an admin.
  const legacyPricing = pricing.findCurrency(paid.currency ?? pricing.currency);
  const legacyPriceable = legacyPricing !== null && metadataCredits !== null && metadataCredits <= legacyPricing.creditsMax;
  return {
    amountPaidMinor: paid.amountPaidMinor,
    currency: paid.currency,
    presentment: paid.presentment,
    paymentIntentId: paymentIntentIdOf(session),
    metadataUserId: userUsable ? metadataUserId : `unusable:${metadataUserId.slice(0, 60)}`,
    metadataCredits,
    legacy: userUsable
      ? {
          userId: metadataUserId,
          credits: legacyPriceable ? metadataCredits : 0,
          amountMinor: legacyPriceable ? priceAtAnyVolume(legacyPricing, metadataCredits) : 0,
        }
      : null,
    flagReason: metadataCredits !== null
      ? null
      : `session with credits_amount "${String(metadata.credits_amount).slice(0, 40)}", not a sane positive integer`,
  };
}

/**
 * The amount paid in the session's own currency, and the presentment amount when Stripe converted
 * it. A `currency_conversion` whose source currency differs from the record is not explained by
 * it: the SQL flags "paid in X, expected Y" as for any other currency mismatch.
 */
function paidAmountsOf(session: Stripe.Checkout.Session): Required<Pick<Settlement, 'amountPaidMinor' | 'currency' | 'presentment'>> {
  const conversion = session.currency_conversion;
  if (conversion === null || conversion === undefined) {
    return { amountPaidMinor: session.amount_total, currency: session.currency, presentment: null };
  }
  const converted = session.currency !== null && session.amount_total !== null;
  return {
    amountPaidMinor: conversion.amount_total,
    currency: conversion.source_currency.toLowerCase(),
    presentment: converted
      ? {
          amountMinor: session.amount_total!,
          currency: session.currency!.toLowerCase(),
          // A string in a webhook's JSON, a Decimal from the SDK's API responses: both print the digits.
          fxRate: conversion.fx_rate === null || conversion.fx_rate === undefined ? null : String(conversion.fx_rate),
        }
      : null,
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
function priceAtAnyVolume(pricing: CurrencyPricing, credits: number): number {
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
