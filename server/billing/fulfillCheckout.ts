import type Stripe from 'stripe';
import type { Storage } from '../db/storage.ts';
import type { Pricing } from './pricing.ts';
import type { PurchaseRow } from './purchaseTypes.ts';
import { purchaseRecords } from './purchaseRecords.ts';
import { topUpMetadataType } from './topUpMetadata.ts';

export type FulfillmentResult =
  | { outcome: 'ignored'; reason: string }
  | { outcome: 'settled'; purchase: PurchaseRow };

/**
 * The one fulfillment path, called by the webhook (with the session from the verified event: no API
 * call) and by the `topUp` query and reconcile (with a session retrieved from Stripe). It grants only
 * a paid session, only once (the SQL function locks the purchase and keys the grant by session id),
 * and only when the amount and currency match what was recorded; a mismatch is flagged, not granted.
 *
 * `asyncPaymentFailed`: the session comes from `checkout.session.async_payment_failed` (the session
 * object alone still says `payment_status: unpaid` then).
 * Errors: transient storage errors only; bad or foreign sessions are `ignored` or flagged.
 */
export async function fulfillCheckout(options: {
  storage: Storage;
  pricing: Pricing;
  session: Stripe.Checkout.Session;
  asyncPaymentFailed?: boolean;
}): Promise<FulfillmentResult> {
  const { storage, pricing, session } = options;
  if (session.metadata?.type !== topUpMetadataType) return { outcome: 'ignored', reason: 'not a credit top-up' };
  if (session.mode !== 'payment') return { outcome: 'ignored', reason: `mode ${session.mode} is not a one-time payment` };
  const outcome = outcomeOf(session, options.asyncPaymentFailed ?? false);
  if (outcome === null) return { outcome: 'ignored', reason: `session is ${session.status}, nothing to settle` };

  const recorded = await purchaseRecords.find(storage, session.id);
  const metadataUserId = session.metadata.clerk_user_id ?? '';
  const metadataCredits = parseCredits(session.metadata.credits_amount);
  let flagReason: string | null = null;
  let legacy: { userId: string; credits: number; amountMinor: number } | null = null;
  if (recorded) {
    if (metadataUserId !== recorded.userId || metadataCredits !== recorded.credits) {
      flagReason = `session metadata (user ${metadataUserId}, credits ${session.metadata.credits_amount}) differs from the recorded purchase`;
    }
  } else {
    // A session this database never recorded: created by the app this replaces. Its metadata is all
    // we have; it is fulfilled when sane and when the amount paid covers the credits at our price.
    if (!/^[A-Za-z0-9_:.-]{1,128}$/.test(metadataUserId)) {
      return { outcome: 'ignored', reason: `unknown session with an unusable clerk_user_id "${metadataUserId.slice(0, 60)}"` };
    }
    const creditsValid = metadataCredits !== null && metadataCredits <= pricing.creditsMax;
    legacy = {
      userId: metadataUserId,
      credits: creditsValid ? metadataCredits : 0,
      amountMinor: creditsValid ? priceAtAnyVolume(pricing, metadataCredits) : 0,
    };
    if (!creditsValid) flagReason = `legacy session with credits_amount "${String(session.metadata.credits_amount).slice(0, 40)}", not a sane positive integer`;
  }

  const purchase = await purchaseRecords.settle(storage, {
    sessionId: session.id,
    outcome,
    amountPaidMinor: session.amount_total,
    currency: session.currency,
    paymentIntentId: paymentIntentIdOf(session),
    legacy,
    flagReason,
  });
  return { outcome: 'settled', purchase };
}

function outcomeOf(session: Stripe.Checkout.Session, asyncPaymentFailed: boolean): 'paid' | 'pending' | 'failed' | 'expired' | null {
  if (session.status === 'expired') return 'expired';
  if (session.status !== 'complete') return null;
  if (session.payment_status === 'paid') return 'paid';
  return asyncPaymentFailed ? 'failed' : 'pending';
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
