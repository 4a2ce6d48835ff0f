import type Stripe from 'stripe';
import type { Storage } from '../db/storage.ts';
import { errorCodes, TopupError } from '../errors.ts';
import { findUser } from '../ledger/findUser.ts';
import { toStripeUnavailable } from './stripe/toStripeUnavailable.ts';
import type { PurchaseRow } from './purchaseTypes.ts';
import { purchaseRecords } from './purchaseRecords.ts';
import { refundableCredits } from './refundableCredits.ts';

export interface RefundResult {
  refundId: string;
  amountMinor: number;
  currency: string;
  credits: number;
  purchase: PurchaseRow;
}

/**
 * An admin refunds (part of) a top-up through Stripe: at most the credits the user still has from it
 * (not clawed back yet, and not spent: bounded by the current balance). The money refunded is the
 * same share of what was paid, rounded down; refunding everything left refunds the exact remainder.
 * The ledger is NOT touched here: Stripe's `charge.refunded` event moves it, through the same path as
 * a refund made in Stripe's dashboard, so there is one way credits are clawed back.
 *
 * The Stripe idempotency key is derived from the purchase's refund state and the credits asked, so a
 * double-click (or two admins at once) makes one refund.
 * Errors: NOT_FOUND, BAD_USER_INPUT (nothing refundable, credits out of range), STRIPE_UNAVAILABLE.
 */
export async function refundTopUp(options: {
  storage: Storage;
  stripe: Stripe;
  sessionId: string;
  credits: number | null;
  actor: string;
}): Promise<RefundResult> {
  const { storage, stripe, sessionId } = options;
  const purchase = await purchaseRecords.find(storage, sessionId);
  if (purchase === null) throw new TopupError(errorCodes.notFound, 'No top-up with this session id');
  if (purchase.creditsGranted === 0 || purchase.paymentIntentId === null) {
    throw new TopupError(errorCodes.badUserInput, 'Only a paid, granted top-up can be refunded');
  }
  const owner = await findUser(storage, purchase.userId);
  const remaining = purchase.creditsGranted - purchase.creditsClawedBack;
  const unspent = refundableCredits(purchase, owner?.credits ?? 0);
  const credits = options.credits ?? unspent;
  if (unspent === 0) throw new TopupError(errorCodes.badUserInput, 'Nothing left to refund: the credits were spent or already taken back');
  if (!Number.isSafeInteger(credits) || credits < 1 || credits > unspent) {
    throw new TopupError(errorCodes.badUserInput, `credits must be a whole number from 1 to ${unspent} (unspent credits of this top-up)`, { unspent });
  }
  const paidMinor = purchase.amountPaidMinor ?? purchase.amountMinor;
  const refundableMinor = paidMinor - purchase.amountRefundedMinor;
  const amountMinor = credits === remaining ? refundableMinor : Math.floor((credits * paidMinor) / purchase.creditsGranted);
  if (amountMinor <= 0) throw new TopupError(errorCodes.badUserInput, 'That many credits are worth less than the smallest refundable amount');
  let refund: Stripe.Refund;
  try {
    refund = await stripe.refunds.create(
      {
        payment_intent: purchase.paymentIntentId,
        amount: amountMinor,
        reason: 'requested_by_customer',
        metadata: { type: 'credit_topup_refund', session_id: sessionId, credits: String(credits), actor: options.actor },
      },
      { idempotencyKey: `topup-refund-${sessionId}-${purchase.amountRefundedMinor}-${credits}` },
    );
  } catch (error) {
    if ((error as { code?: string }).code === 'charge_already_refunded') {
      throw new TopupError(errorCodes.badUserInput, 'Stripe says this payment is already fully refunded');
    }
    throw toStripeUnavailable(error, 'refunding');
  }
  return { refundId: refund.id, amountMinor, currency: purchase.currency, credits, purchase };
}
