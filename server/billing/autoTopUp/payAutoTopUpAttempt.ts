import Stripe from 'stripe';
import type { Storage } from '../../db/storage.ts';
import type { Logger } from '../../log.ts';
import { autoTopUpRecords } from './autoTopUpRecords.ts';
import { autoTopUpMetadata, type ClaimedAttempt } from './autoTopUpTypes.ts';

/** What one payment of an attempt came to; `transient` leaves the attempt to be retried with the same key. */
export type AttemptOutcome = 'processing' | 'requires_action' | 'declined' | 'transient';

/**
 * Pays one claimed attempt off-session with the saved card: `paymentIntents.create` with
 * `confirm` and `off_session`, keyed by the attempt's idempotency key (its id and try), then records
 * what Stripe answered. A crash (or a failed recording) after Stripe created the payment leaves the
 * claim to expire; the next claim sends the same key, and Stripe answers with the same payment (or
 * the same card error) instead of charging again. Credits are granted by the payment's webhook.
 *
 * - accepted (succeeded or processing): `processing`, waiting for `payment_intent.succeeded`;
 * - `authentication_required`: `requires_action` (the user confirms on-session);
 * - another card error (`card_declined` with its decline code, `expired_card`, ...): a decline,
 *   retried at `retryAt` until the third failure in a row disables auto top-up;
 * - Stripe refusing the request itself (the saved card was detached or deleted at Stripe, the
 *   customer is gone: `invalid_request_error`, `permission_error`): a failure like a decline, so it
 *   is retried and then disables auto top-up instead of being retried silently forever;
 * - anything else (Stripe unreachable, a 5xx, a rate limit): transient, the try is not counted.
 */
export async function payAutoTopUpAttempt(options: {
  storage: Storage;
  stripe: Stripe;
  log: Logger;
  attempt: ClaimedAttempt;
  claimToken: string;
  /** When a declined attempt is tried again (null: the schedule ran out). */
  retryAt: Date | null;
  /** When a transient failure is tried again. */
  transientRetryAt: Date;
}): Promise<AttemptOutcome> {
  const { storage, stripe, attempt, claimToken } = options;
  let paymentIntent: Stripe.PaymentIntent;
  try {
    paymentIntent = await stripe.paymentIntents.create(
      {
        amount: attempt.amountMinor,
        currency: attempt.currency,
        customer: attempt.customerId,
        payment_method: attempt.paymentMethodId,
        off_session: true,
        confirm: true,
        description: `${attempt.credits.toLocaleString('en-US')} credits (automatic top-up)`,
        metadata: autoTopUpMetadata(attempt),
      },
      { idempotencyKey: attempt.idempotencyKey },
    );
  } catch (error) {
    if (!(error instanceof Stripe.errors.StripeCardError) && !isPermanentRefusal(error)) {
      options.log.log('warn', 'auto top-up payment failed transiently; retried with the same key', { attemptId: attempt.id, error: (error as Error).message });
      await autoTopUpRecords.releaseClaim(storage, { attemptId: attempt.id, claimToken, retryAt: options.transientRetryAt });
      return 'transient';
    }
    const code = error.code ?? (error instanceof Stripe.errors.StripeCardError ? 'card_declined' : 'payment_refused');
    await autoTopUpRecords.recordFailure(storage, {
      attemptId: attempt.id,
      claimToken,
      paymentIntentId: error instanceof Stripe.errors.StripeCardError ? (error.payment_intent?.id ?? null) : null,
      code,
      declineCode: error instanceof Stripe.errors.StripeCardError ? (error.decline_code ?? null) : null,
      message: error.message,
      retryAt: options.retryAt,
    });
    return code === 'authentication_required' ? 'requires_action' : 'declined';
  }
  await autoTopUpRecords.recordPayment(storage, { attemptId: attempt.id, claimToken, paymentIntentId: paymentIntent.id });
  return 'processing';
}

/** A refusal that retrying the same request cannot change (not a network error, a 5xx or a rate limit). */
function isPermanentRefusal(error: unknown): error is Stripe.errors.StripeInvalidRequestError | Stripe.errors.StripePermissionError {
  return error instanceof Stripe.errors.StripeInvalidRequestError || error instanceof Stripe.errors.StripePermissionError;
}
