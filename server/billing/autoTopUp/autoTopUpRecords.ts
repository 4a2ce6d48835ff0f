import { auditedCall, type AuditStamp } from '../../db/auditedCall.ts';
import { sqlArguments } from '../../db/sqlArguments.ts';
import type { Storage } from '../../db/storage.ts';
import type { EventHandling, StripeEventRecord } from '../purchaseRecords.ts';
import type { AutoTopUpRow, ClaimedAttempt } from './autoTopUpTypes.ts';

/** A succeeded auto top-up payment, as `settle_auto_top_up` takes it. */
export interface AutoTopUpPayment {
  paymentIntentId: string;
  attemptId: string;
  userId: string;
  amountReceivedMinor: number;
  currency: string;
}

/** A refused payment, as `record_auto_top_up_failure` takes it. */
export interface AutoTopUpFailure {
  attemptId: string;
  paymentIntentId: string | null;
  code: string;
  declineCode: string | null;
  message: string;
}

/**
 * The SQL functions of `server/db/functions/auto_top_up.sql`, typed. Each is one transaction.
 * Errors: BAD_USER_INPUT, NOT_FOUND, PAYMENT_METHOD_REQUIRED (turning it on without a saved card),
 * IDEMPOTENCY_CONFLICT (a payment whose metadata names another user than its attempt's).
 */
export const autoTopUpRecords = {
  find(storage: Storage, userId: string) {
    return storage.call<AutoTopUpRow>('auto_top_up_json', { p_user_id: userId });
  },

  findMany(storage: Storage, userIds: string[]) {
    if (userIds.length > 1000) throw new Error('findMany takes at most 1,000 user ids');
    return storage.call<AutoTopUpRow[]>('auto_top_ups', { p_user_ids: userIds });
  },

  set(
    storage: Storage,
    options: { userId: string; enabled: boolean; thresholdCredits: number; credits: number; amountMinor: number; monthlyLimitMinor: number; currency: string },
    audit: AuditStamp | null = null,
  ) {
    return auditedCall<AutoTopUpRow>(
      storage,
      audit,
      'set_auto_top_up',
      sqlArguments(options, ['userId', 'enabled', 'thresholdCredits', 'credits', 'amountMinor', 'monthlyLimitMinor', 'currency']),
    );
  },

  priceKeys(storage: Storage) {
    return storage.call<Array<{ credits: number; currency: string }>>('auto_top_up_price_keys', {});
  },

  reprice(storage: Storage, prices: Array<{ credits: number; currency: string; amountMinor: number | null }>) {
    // An object, so every adapter sends it as JSON (arrays go as SQL arrays).
    return storage.call<{ repriced: number; disabled: number }>('reprice_auto_top_ups', { p_prices: { prices } });
  },

  saveCard(storage: Storage, options: { userId: string; customerId: string; paymentMethodId: string; brand: string; last4: string; savedAt: string }) {
    return storage.call<AutoTopUpRow | null>('save_card', sqlArguments(options, ['userId', 'customerId', 'paymentMethodId', 'brand', 'last4', 'savedAt']));
  },

  removeCard(storage: Storage, userId: string, audit: AuditStamp | null = null) {
    return auditedCall<{ paymentMethodId: string | null; autoTopUp: AutoTopUpRow }>(storage, audit, 'remove_saved_card', { p_user_id: userId });
  },

  claim(storage: Storage, options: { now: Date; limit: number; claimSeconds: number; claimToken: string }) {
    return storage.call<ClaimedAttempt[]>('claim_auto_top_up_attempts', {
      p_now: options.now.toISOString(),
      p_limit: options.limit,
      p_claim_seconds: options.claimSeconds,
      p_claim_token: options.claimToken,
    });
  },

  recordPayment(storage: Storage, options: { attemptId: string; claimToken: string; paymentIntentId: string }) {
    return storage.call<string>('record_auto_top_up_payment', sqlArguments(options, ['attemptId', 'claimToken', 'paymentIntentId']));
  },

  recordFailure(storage: Storage, options: AutoTopUpFailure & { claimToken: string | null; retryAt: Date | null }) {
    return storage.call<string>('record_auto_top_up_failure', {
      ...sqlArguments(options, ['attemptId', 'claimToken', 'paymentIntentId', 'code', 'declineCode', 'message']),
      p_retry_at: options.retryAt?.toISOString() ?? null,
    });
  },

  releaseClaim(storage: Storage, options: { attemptId: string; claimToken: string; retryAt: Date }) {
    return storage.call('release_auto_top_up_claim', {
      p_attempt_id: options.attemptId,
      p_claim_token: options.claimToken,
      p_retry_at: options.retryAt.toISOString(),
    });
  },

  settle(storage: Storage, payment: AutoTopUpPayment) {
    return storage.call<Extract<EventHandling, { kind: 'settled' | 'flagged' }>>('settle_auto_top_up', { p_payment: payment });
  },

  /** `settle` and the event's record in one transaction; a redelivered event is a duplicate. */
  applyEvent(storage: Storage, options: { event: StripeEventRecord; payment: AutoTopUpPayment }) {
    return storage.call<Extract<EventHandling, { kind: 'duplicate' | 'settled' | 'flagged' }>>(
      'apply_auto_top_up_event',
      sqlArguments(options, ['event', 'payment']),
    );
  },

  applyFailureEvent(storage: Storage, options: { event: StripeEventRecord; failure: AutoTopUpFailure }) {
    return storage.call<Extract<EventHandling, { kind: 'duplicate' | 'ignored' }>>(
      'apply_auto_top_up_failure_event',
      sqlArguments(options, ['event', 'failure']),
    );
  },

  stuck(storage: Storage, options: { olderThanSeconds: number; limit: number }) {
    return storage.call<{ id: string; userId: string; paymentIntentId: string | null }[]>('stuck_auto_top_ups', {
      p_older_than_seconds: options.olderThanSeconds,
      p_limit: options.limit,
    });
  },
};
