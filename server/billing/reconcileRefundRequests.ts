import type Stripe from 'stripe';
import type { Storage } from '../db/storage.ts';
import type { Logger } from '../log.ts';

export interface RefundRequestReconcileReport {
  /** Reservations still waiting for Stripe's answer after `olderThanSeconds`. */
  staleSeen: number;
  /** Found at Stripe: recorded as the refund they are. */
  confirmed: number;
  /** Not at Stripe a day later: released (the credits are refundable again). */
  released: number;
}

interface StaleRefundRequest {
  requestId: string;
  sessionId: string;
  paymentIntentId: string | null;
  credits: number;
  amountMinor: number;
  actor: string;
  ageSeconds: number;
  linkedRefundIds: string[];
}

/**
 * Stripe keeps an idempotency key for 24 hours: until then a retry of the admin's refund returns the
 * refund Stripe made, after it a retry would make a new one. So a reservation Stripe has no refund
 * for a day later was never made, and its credits are released.
 */
export const refundAnswerLostAfterSeconds = 86_400;

/**
 * A refund whose answer was lost (a timeout, Stripe's 5xx after retries) stays reserved, counting
 * against the purchase's refundable credits, until someone retries it. Reconcile settles what
 * nobody retried: for each reservation older than `olderThanSeconds`, the purchase's refunds at
 * Stripe are listed and the one made for it (its `refund_request_id` metadata, or for refunds made
 * before that was sent, the same session, credits, actor and amount, not already another request's)
 * is recorded with `finish_refund_request`, the same call the admin's request makes; none a day
 * later releases it. The credits themselves follow from Stripe's `charge.refunded` event, as always.
 */
export async function reconcileRefundRequests(options: {
  storage: Storage;
  stripe: Stripe;
  log: Logger;
  olderThanSeconds?: number;
  limit?: number;
}): Promise<RefundRequestReconcileReport> {
  const { storage, stripe, log } = options;
  const stale = await storage.call<StaleRefundRequest[]>('stale_refund_requests', {
    p_older_than_seconds: options.olderThanSeconds ?? 600,
    p_limit: options.limit ?? 100,
  });
  const report: RefundRequestReconcileReport = { staleSeen: stale.length, confirmed: 0, released: 0 };
  for (const request of stale) {
    if (request.paymentIntentId === null) continue;
    try {
      const refunds = await stripe.refunds.list({ payment_intent: request.paymentIntentId, limit: 100 });
      const made = refunds.data.find((refund) => madeFor(refund, request));
      if (made !== undefined) {
        // A refund Stripe reports as failed or canceled returned nothing: the reservation is released.
        const refunded = made.status !== 'failed' && made.status !== 'canceled';
        await storage.call('finish_refund_request', { p_request_id: request.requestId, p_stripe_refund_id: refunded ? made.id : null });
        if (refunded) report.confirmed += 1;
        else report.released += 1;
      } else if (request.ageSeconds >= refundAnswerLostAfterSeconds) {
        await storage.call('finish_refund_request', { p_request_id: request.requestId, p_stripe_refund_id: null });
        report.released += 1;
        log.log('warn', 'reconcile: a refund reservation Stripe never made was released', { requestId: request.requestId, sessionId: request.sessionId });
      }
    } catch (error) {
      log.log('error', 'reconcile: refund reservation not checked', { requestId: request.requestId, error: (error as Error).message });
    }
  }
  return report;
}

function madeFor(refund: Stripe.Refund, request: StaleRefundRequest): boolean {
  const metadata = refund.metadata ?? {};
  if (metadata.refund_request_id !== undefined) return metadata.refund_request_id === request.requestId;
  return (
    metadata.type === 'credit_topup_refund' &&
    metadata.session_id === request.sessionId &&
    metadata.credits === String(request.credits) &&
    metadata.actor === request.actor &&
    refund.amount === request.amountMinor &&
    !request.linkedRefundIds.includes(refund.id)
  );
}
