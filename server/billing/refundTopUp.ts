import Stripe from 'stripe';
import { auditedCall, type AuditStamp } from '../db/auditedCall.ts';
import type { Storage } from '../db/storage.ts';
import { errorCodes, TopupError } from '../errors.ts';
import { toStripeUnavailable } from './stripe/toStripeUnavailable.ts';
import type { PurchaseRow } from './purchaseTypes.ts';

export interface RefundResult {
  refundId: string;
  amountMinor: number;
  currency: string;
  credits: number;
  purchase: PurchaseRow;
}

/** What `reserve_refund` and `finish_refund_request` return (functions/refunds.sql). */
interface RefundRequestRow {
  requestId: string;
  idempotencyKey: string;
  credits: number;
  amountMinor: number;
  currency: string;
  paymentIntentId: string;
  actor: string;
  status: 'reserved' | 'succeeded' | 'failed';
  stripeRefundId: string | null;
  replay: boolean;
  purchase: PurchaseRow;
}

/**
 * An admin refunds (part of) a top-up through Stripe: at most the credits the user still has from it
 * (not clawed back yet, not reserved by another refund, and not spent: bounded by the current
 * balance). The money refunded is the same share of what was paid, rounded down; refunding
 * everything left refunds the exact remainder. The ledger is NOT touched here: Stripe's
 * `charge.refunded` event moves it, through the same path as a refund made in Stripe's dashboard,
 * so there is one way credits are clawed back.
 *
 * Concurrent refunds are serialized by a reservation, not by a lock held across the Stripe call:
 * `reserve_refund` checks the unspent credits and records the reservation in one short transaction
 * under the purchase's row lock, so twenty refunds at once can never together pass the check for more
 * than is unspent. Stripe's answer confirms the reservation, or releases it when Stripe refused the
 * refund; when the answer is unknown (network, timeout, Stripe's 5xx) it stays reserved, and a retry
 * of the same credits replays it with the same Stripe idempotency key. That key is derived from the
 * reservation, so a double-click (or two admins at once) makes one refund.
 * The audit record (docs/audit.md) is written with the refund's confirmation, `finish_refund_request`,
 * once Stripe made the refund (a replay of a finished refund confirms it again, audited again); a
 * refusal writes none.
 * Errors: NOT_FOUND, BAD_USER_INPUT (nothing refundable, credits out of range), STRIPE_UNAVAILABLE.
 */
export async function refundTopUp(options: {
  storage: Storage;
  stripe: Stripe;
  sessionId: string;
  credits: number | null;
  actor: string;
  audit?: AuditStamp | null;
}): Promise<RefundResult> {
  const { storage, stripe, sessionId } = options;
  const request = await storage.call<RefundRequestRow>('reserve_refund', {
    p_session_id: sessionId,
    p_credits: options.credits,
    p_actor: options.actor,
  });
  const confirm = (stripeRefundId: string) =>
    auditedCall(storage, options.audit, 'finish_refund_request', { p_request_id: request.requestId, p_stripe_refund_id: stripeRefundId });
  if (request.status === 'succeeded' && request.stripeRefundId !== null) {
    await confirm(request.stripeRefundId);
    return refundResult(request, request.stripeRefundId);
  }
  let refund: Stripe.Refund;
  try {
    refund = await stripe.refunds.create(
      {
        payment_intent: request.paymentIntentId,
        amount: request.amountMinor,
        reason: 'requested_by_customer',
        // The reservation's own actor: a replay by another admin sends the same parameters.
        // refund_request_id: how reconcile finds the refund of a reservation whose answer was lost.
        metadata: { type: 'credit_topup_refund', session_id: sessionId, credits: String(request.credits), actor: request.actor, refund_request_id: request.requestId },
      },
      { idempotencyKey: request.idempotencyKey },
    );
  } catch (error) {
    // Only the call that made the reservation releases it, and only when Stripe surely made no refund.
    if (!request.replay && stripeRefusedRefund(error)) {
      await storage.call('finish_refund_request', { p_request_id: request.requestId, p_stripe_refund_id: null });
    }
    if ((error as { code?: string }).code === 'charge_already_refunded') {
      throw new TopupError(errorCodes.badUserInput, 'Stripe says this payment is already fully refunded');
    }
    throw toStripeUnavailable(error, 'refunding');
  }
  await confirm(refund.id);
  return refundResult(request, refund.id);
}

function refundResult(request: RefundRequestRow, refundId: string): RefundResult {
  return { refundId, amountMinor: request.amountMinor, currency: request.currency, credits: request.credits, purchase: request.purchase };
}

/**
 * Stripe answered and refused (a 4xx other than a conflict or a rate limit): no refund was made.
 * A connection error, a timeout, a 409 (the same key still in flight), a 429 or a 5xx leave the outcome
 * unknown, so the reservation must keep counting.
 */
function stripeRefusedRefund(error: unknown): boolean {
  if (!(error instanceof Stripe.errors.StripeError)) return false;
  const status = error.statusCode ?? 0;
  return status >= 400 && status < 500 && status !== 409 && status !== 429;
}
