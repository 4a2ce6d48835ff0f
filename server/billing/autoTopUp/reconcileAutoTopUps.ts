import Stripe from 'stripe';
import type { Storage } from '../../db/storage.ts';
import type { Logger } from '../../log.ts';
import { autoTopUpRecords } from './autoTopUpRecords.ts';
import { autoTopUpPaymentOf } from './handlePaymentIntentEvent.ts';

export interface AutoTopUpReconcileReport {
  stuckSeen: number;
  settled: number;
  failed: number;
}

/** An attempt in processing this long without its webhook is asked about at Stripe. */
export const stuckAfterSeconds = 3600;

/**
 * Nothing left pending silently: every attempt in `processing` for over an hour (its webhook never
 * came) is looked up at Stripe. Succeeded: granted through the same SQL as the webhook (once,
 * whoever gets there first); failed (`requires_payment_method` with `last_payment_error`): recorded
 * as the failure it was; still processing: left for the next run. Bounded to `limit` attempts.
 */
export async function reconcileAutoTopUps(options: { storage: Storage; stripe: Stripe; log: Logger; limit?: number }): Promise<AutoTopUpReconcileReport> {
  const { storage, stripe, log } = options;
  const stuck = await autoTopUpRecords.stuck(storage, { olderThanSeconds: stuckAfterSeconds, limit: options.limit ?? 100 });
  const report: AutoTopUpReconcileReport = { stuckSeen: stuck.length, settled: 0, failed: 0 };
  for (const attempt of stuck) {
    if (attempt.paymentIntentId === null) continue;
    try {
      const paymentIntent = await stripe.paymentIntents.retrieve(attempt.paymentIntentId);
      if (paymentIntent.status === 'succeeded') {
        await autoTopUpRecords.settle(storage, autoTopUpPaymentOf(paymentIntent));
        report.settled += 1;
      } else if (paymentIntent.status === 'requires_payment_method' || paymentIntent.status === 'canceled') {
        const lastError = paymentIntent.last_payment_error;
        await autoTopUpRecords.recordFailure(storage, {
          attemptId: attempt.id,
          claimToken: null,
          paymentIntentId: paymentIntent.id,
          code: lastError?.code ?? 'payment_failed',
          declineCode: lastError?.decline_code ?? null,
          message: lastError?.message ?? `The payment is ${paymentIntent.status}.`,
          retryAt: new Date(Date.now() + 3600_000),
        });
        report.failed += 1;
      }
    } catch (error) {
      log.log('error', 'reconcile: auto top-up failed', { attemptId: attempt.id, error: error instanceof Stripe.errors.StripeError ? error.message : error });
    }
  }
  return report;
}
