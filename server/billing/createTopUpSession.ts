import { errorCodes, TopupError } from '../errors.ts';
import type Stripe from 'stripe';
import type { Config } from '../config.ts';
import type { AuditStamp } from '../db/auditedCall.ts';
import type { Storage } from '../db/storage.ts';
import type { Logger } from '../log.ts';
import { ensureUser } from '../ledger/ensureUser.ts';
import { toStripeUnavailable } from './stripe/toStripeUnavailable.ts';
import type { Pricing } from './pricing.ts';
import { purchaseRecords } from './purchaseRecords.ts';
import { topUpMetadata } from './topUpMetadata.ts';

export interface TopUpSession {
  sessionId: string;
  url: string;
  credits: number;
  amountMinor: number;
  currency: string;
}

/**
 * Starts a purchase: validates and prices the credits on the server (BAD_USER_INPUT before Stripe is
 * called), gets or creates the user's Stripe customer, creates a Checkout Session in payment mode
 * with one line item of "N credits" at the computed total, and records the purchase.
 *
 * Errors: BAD_USER_INPUT (credits, or a currency not offered), STRIPE_UNAVAILABLE (Stripe failed; nothing recorded).
 * If recording fails after Stripe created the session, the session is expired at Stripe so no one
 * can pay it; if it was paid anyway, its metadata alone is enough to fulfil it correctly.
 */
export async function createTopUpSession(options: {
  storage: Storage;
  stripe: Stripe;
  config: Config;
  pricing: Pricing;
  log: Logger;
  user: { userId: string; email: string | null };
  credits: number;
  /** ISO code of an offered currency, either case; the default currency when null or absent. */
  currency?: string | null;
  /** An admin's checkout: recording the session writes its audit record (docs/audit.md). */
  audit?: AuditStamp | null;
  /** Save the card for automatic top-ups: the payment intent gets `setup_future_usage: off_session`. */
  saveCard?: boolean | null;
}): Promise<TopUpSession> {
  const { storage, stripe, config, user, credits } = options;
  const pricing = options.pricing.inCurrency(options.currency);
  const amountMinor = pricing.quote(credits);
  const customerId = await getOrCreateCustomer({ storage, stripe, user });
  const metadata = topUpMetadata({ userId: user.userId, credits });
  let session: Stripe.Checkout.Session;
  try {
    session = await stripe.checkout.sessions.create({
      mode: 'payment',
      customer: customerId,
      client_reference_id: user.userId,
      line_items: [
        {
          quantity: 1,
          price_data: {
            currency: pricing.currency,
            unit_amount: amountMinor,
            product_data: { name: `${credits.toLocaleString('en-US')} credits` },
          },
        },
      ],
      metadata,
      payment_intent_data: { metadata, ...(options.saveCard ? { setup_future_usage: 'off_session' as const } : {}) },
      success_url: `${config.publicUrl}/payment/success?session_id={CHECKOUT_SESSION_ID}`,
      cancel_url: `${config.publicUrl}/billing?checkout=cancelled`,
    });
  } catch (error) {
    throw toStripeUnavailable(error, 'creating the checkout session');
  }
  try {
    await purchaseRecords.record(storage, { sessionId: session.id, userId: user.userId, credits, amountMinor, currency: pricing.currency, audit: options.audit });
  } catch (error) {
    await stripe.checkout.sessions.expire(session.id).catch((expireError: unknown) =>
      options.log.log('error', 'could not expire an unrecorded checkout session', { sessionId: session.id, error: expireError }),
    );
    throw error;
  }
  if (!session.url) throw new Error(`Stripe returned checkout session ${session.id} without a url`);
  return { sessionId: session.id, url: session.url, credits, amountMinor, currency: pricing.currency };
}

/**
 * The customer is created once per user, with an idempotency key derived from the user id (two
 * concurrent first checkouts get the same customer), and stored on the user. Never found by search.
 */
async function getOrCreateCustomer(options: { storage: Storage; stripe: Stripe; user: { userId: string; email: string | null } }): Promise<string> {
  const { storage, stripe, user } = options;
  const row = await ensureUser(storage, { userId: user.userId, email: user.email });
  // A user deleted in Clerk keeps its history, but a token minted before the deletion buys nothing.
  if (row.deletedAt) throw new TopupError(errorCodes.forbidden, 'This account was deleted; it cannot buy credits');
  if (row.stripeCustomerId) return row.stripeCustomerId;
  let customer: Stripe.Customer;
  try {
    customer = await stripe.customers.create(
      { ...(user.email ? { email: user.email } : {}), metadata: { clerk_user_id: user.userId } },
      { idempotencyKey: `topup-customer-${user.userId}` },
    );
  } catch (error) {
    throw toStripeUnavailable(error, 'creating the customer');
  }
  const stored = await options.storage.call<{ stripeCustomerId: string }>('set_stripe_customer', {
    p_user_id: user.userId,
    p_customer_id: customer.id,
  });
  return stored.stripeCustomerId;
}
