import { auditedCall, type AuditStamp } from '../db/auditedCall.ts';
import { sqlArguments } from '../db/sqlArguments.ts';
import type { Storage } from '../db/storage.ts';
import type { Page } from '../ledger/ledgerTypes.ts';
import { decodeCursor, pageSize, toPage } from '../ledger/pagination.ts';
import type { PurchaseRow, PurchaseStatus } from './purchaseTypes.ts';

/**
 * What Stripe says about a checkout session, for `settle_checkout_session` to apply. Sent as one jsonb
 * object with exactly these keys (see the top of `server/db/functions/purchases.sql`).
 */
export interface Settlement {
  sessionId: string;
  outcome: 'paid' | 'pending' | 'failed' | 'expired';
  /** In the recorded currency: the session's own total, or its `currency_conversion` source total when converted. */
  amountPaidMinor: number | null;
  currency: string | null;
  paymentIntentId: string | null;
  /**
   * What the customer was charged when Stripe Adaptive Pricing converted the session into their
   * currency (`amount_total`, `currency` and `currency_conversion.fx_rate` of the session); null otherwise.
   */
  presentment?: { amountMinor: number; currency: string; fxRate: string | null } | null;
  /** Used only when the database has no row for the session (the app this replaces created it). */
  legacy: { userId: string; credits: number; amountMinor: number } | null;
  flagReason: string | null;
  metadataUserId: string | null;
  metadataCredits: number | null;
}

/** What the database keeps of a Stripe event. */
export interface StripeEventRecord {
  id: string;
  type: string;
  /** Unix seconds. */
  created: number;
  livemode: boolean;
  /** The event's JSON for the admins' log (bounded: `stripeEventRecord.ts`); absent: not kept. */
  payload?: unknown;
}

/** What settling a session did: the outcome text is built once, in SQL (`settlement_result`). */
export type CheckoutSettlement =
  | { kind: 'settled'; purchase: PurchaseRow; description: string }
  | { kind: 'flagged'; purchase: PurchaseRow; description: string };

/**
 * What applying a Stripe event did, as the SQL functions of `server/db/functions/stripe_events.sql`
 * answer it. `description` is exactly the outcome recorded for the event.
 */
export type EventHandling =
  | { kind: 'duplicate' }
  | { kind: 'ignored'; description: string }
  | CheckoutSettlement
  | { kind: 'payment_recorded'; purchase: PurchaseRow | null; description: string };

/**
 * The SQL functions of `server/db/functions/purchases.sql` and `stripe_events.sql`, typed. Each is one
 * transaction. Errors: BAD_USER_INPUT, NOT_FOUND (unknown session), IDEMPOTENCY_CONFLICT (session
 * recorded with other data).
 */
export const purchaseRecords = {
  /** With `audit` (an admin's own checkout), its audit record in the same transaction. */
  record(storage: Storage, options: { sessionId: string; userId: string; credits: number; amountMinor: number; currency: string; audit?: AuditStamp | null }) {
    return auditedCall<PurchaseRow>(
      storage,
      options.audit,
      'record_checkout_session',
      sqlArguments(options, ['sessionId', 'userId', 'credits', 'amountMinor', 'currency']),
    );
  },

  settle(storage: Storage, settlement: Settlement) {
    return storage.call<CheckoutSettlement>('settle_checkout_session', { p_settlement: settlement });
  },

  /** `settle` and the event's record in one transaction; a redelivered event is a duplicate. */
  applyCheckoutEvent(storage: Storage, options: { event: StripeEventRecord; settlement: Settlement }) {
    return storage.call<Extract<EventHandling, { kind: 'duplicate' | 'settled' | 'flagged' }>>(
      'apply_checkout_event',
      sqlArguments(options, ['event', 'settlement']),
    );
  },

  /** `recordPaymentState` and the event's record in one transaction. */
  applyPaymentEvent(
    storage: Storage,
    options: { event: StripeEventRecord; paymentIntentId: string; amountRefundedMinor: number | null; disputeId: string | null; disputeStatus: string | null },
  ) {
    return storage.call<Extract<EventHandling, { kind: 'duplicate' | 'payment_recorded' }>>(
      'apply_payment_event',
      sqlArguments(options, ['event', 'paymentIntentId', 'amountRefundedMinor', 'disputeId', 'disputeStatus']),
    );
  },

  /** Records an event that has no effect, with why (`outcome`, which the answer's description repeats). */
  applyIgnoredEvent(storage: Storage, options: { event: StripeEventRecord; outcome: string }) {
    return storage.call<Extract<EventHandling, { kind: 'duplicate' | 'ignored' }>>(
      'apply_ignored_event',
      sqlArguments(options, ['event', 'outcome']),
    );
  },

  /**
   * For the audit trail of an event whose processing failed (its transaction rolled back: kind
   * `failed`, with the error) or was refused (kind `refused`, no error: it counts as processed).
   */
  async recordFailedEvent(storage: Storage, options: { event: StripeEventRecord; kind: 'refused' | 'failed'; outcome: string; error: string | null }) {
    await storage.call('record_stripe_event', sqlArguments({ ...options.event, payload: options.event.payload ?? null }, ['id', 'type', 'created', 'livemode', 'payload']));
    await storage.call('finish_stripe_event', sqlArguments({ id: options.event.id, outcome: options.outcome, error: options.error, kind: options.kind }));
  },

  /** Stores a purchase's receipt URL once known; the first one stored stays. Errors: NOT_FOUND, BAD_USER_INPUT. */
  recordReceiptUrl(storage: Storage, options: { sessionId: string; receiptUrl: string }) {
    return storage.call<PurchaseRow>('record_receipt_url', sqlArguments(options, ['sessionId', 'receiptUrl']));
  },

  recordPaymentState(
    storage: Storage,
    options: { paymentIntentId: string; amountRefundedMinor: number | null; disputeId: string | null; disputeStatus: string | null },
  ) {
    return storage.call<PurchaseRow | null>(
      'record_payment_state',
      sqlArguments(options, ['paymentIntentId', 'amountRefundedMinor', 'disputeId', 'disputeStatus']),
    );
  },

  find(storage: Storage, sessionId: string) {
    return storage.call<PurchaseRow | null>('find_purchase', { p_session_id: sessionId });
  },

  /** At most 1,000 ids per call; missing sessions are simply absent from the result. */
  findMany(storage: Storage, sessionIds: string[]) {
    if (sessionIds.length > 1000) throw new Error('findMany takes at most 1,000 session ids');
    return storage.call<PurchaseRow[]>('find_purchases', { p_session_ids: sessionIds });
  },

  /** At most 1,000 ids: the credits each purchase may have refunded now (`refundable_credits_of`). */
  async refundableCredits(storage: Storage, sessionIds: string[]): Promise<Map<string, number>> {
    if (sessionIds.length > 1000) throw new Error('refundableCredits takes at most 1,000 session ids');
    const bySession = await storage.call<Record<string, number | string>>('refundable_credits_of', { p_session_ids: sessionIds });
    return new Map(Object.entries(bySession).map(([sessionId, credits]) => [sessionId, Number(credits)]));
  },

  async list(
    storage: Storage,
    options: { userId?: string | null; flaggedOnly?: boolean; statuses?: readonly PurchaseStatus[] | null; first?: number | null; after?: string | null },
  ): Promise<Page<PurchaseRow>> {
    const size = pageSize(options.first);
    const scope = options.flaggedOnly ? 'purchases:flagged' : 'purchases';
    const rows = await storage.call<{ node: PurchaseRow; cursor: string }[]>('list_purchases', {
      p_user_id: options.userId ?? null,
      p_flagged_only: options.flaggedOnly ?? false,
      p_statuses: options.statuses && options.statuses.length > 0 ? [...options.statuses] : null,
      p_after: decodeCursor(scope, options.after),
      p_limit: size,
    });
    return toPage(scope, rows, size);
  },
};
