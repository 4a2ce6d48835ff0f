import type Stripe from 'stripe';
import type { Config } from '../config.ts';
import type { AuditStamp } from '../db/auditedCall.ts';
import type { Storage } from '../db/storage.ts';
import type { Logger } from '../log.ts';
import { createPricing, type Pricing } from './pricing.ts';
import { verifyStripeWebhook } from './stripe/verifyStripeWebhook.ts';
import { createTopUpSession, type TopUpSession } from './createTopUpSession.ts';
import { checkTopUp, type TopUpState } from './checkTopUp.ts';
import { refundTopUp, type RefundResult } from './refundTopUp.ts';
import { quoteRefund, type RefundQuote } from './quoteRefund.ts';
import { reconcile, type ReconcileReport } from './reconcile.ts';
import { handleStripeEvent, type EventHandling } from './handleStripeEvent.ts';
import { purchaseRecords, type StripeEventRecord } from './purchaseRecords.ts';
import type { PurchaseRow, PurchaseStatus } from './purchaseTypes.ts';
import { findReceiptUrl } from './findReceiptUrl.ts';
import { findStripeEvent, listStripeEvents, type StripeEventFilter, type StripeEventRow, type StripeEventWithPayload } from './stripeEventLog.ts';
import type { Page } from '../ledger/ledgerTypes.ts';
import { createAutoTopUps, type AutoTopUps } from './autoTopUp/createAutoTopUps.ts';

/**
 * Billing as the transports see it: the pricing and the Stripe operations, with their dependencies
 * bound once at boot. Each method is one function of this folder; read those for the rules.
 */
export interface Billing {
  pricing: Pricing;
  /**
   * Verifies a webhook delivery (the exact bytes, the `Stripe-Signature` header, the endpoint's
   * secret, 300 seconds of tolerance past and future) and returns the event. Throws when it does not verify.
   */
  verifyWebhookEvent(options: { body: Buffer; signature: string }): Stripe.Event;
  /** Applies one verified event and records it, in one transaction (see `handleStripeEvent.ts`). */
  handleStripeEvent(event: Stripe.Event): Promise<EventHandling>;
  /** The audit record of an event whose processing was refused or failed (its transaction rolled back). */
  recordFailedEvent(options: { event: StripeEventRecord; kind: 'refused' | 'failed'; outcome: string; error: string | null }): Promise<void>;
  listPurchases(options: {
    userId?: string | null;
    flaggedOnly?: boolean;
    statuses?: readonly PurchaseStatus[] | null;
    first?: number | null;
    after?: string | null;
  }): Promise<Page<PurchaseRow>>;
  /** Stripe's receipt page of a charged purchase, fetched once and stored (see `findReceiptUrl.ts`); null when unknown. */
  findReceiptUrl(purchase: PurchaseRow): Promise<string | null>;
  /** The admins' Stripe event log, newest first (see `stripeEventLog.ts`). Errors: BAD_USER_INPUT. */
  listStripeEvents(options: StripeEventFilter & { first?: number | null; after?: string | null }): Promise<Page<StripeEventRow>>;
  /** One Stripe event with its payload, or null. */
  findStripeEvent(id: string): Promise<StripeEventWithPayload | null>;
  /** At most 1,000 ids; missing sessions are absent from the result. */
  findPurchases(sessionIds: string[]): Promise<PurchaseRow[]>;
  /**
   * At most 1,000 ids: the credits of each purchase a refund may take now (not clawed back, not
   * reserved by a refund in flight, at most the owner's balance less their reservations); missing
   * sessions are absent.
   */
  refundableCredits(sessionIds: string[]): Promise<Map<string, number>>;
  /** `currency`: an offered ISO code, either case; the default currency when null or absent. */
  /** `saveCard`: save the card for automatic top-ups (`setup_future_usage: off_session`). */
  createTopUpSession(options: { user: { userId: string; email: string | null }; credits: number; currency?: string | null; saveCard?: boolean | null; audit?: AuditStamp | null }): Promise<TopUpSession>;
  checkTopUp(options: { viewer: { userId: string; isAdmin: boolean }; sessionId: string }): Promise<TopUpState>;
  refundTopUp(options: { sessionId: string; credits: number | null; actor: string; audit?: AuditStamp | null }): Promise<RefundResult>;
  /** What refunding `credits` (null: all refundable) would return now, or null (see `quoteRefund.ts`). */
  quoteRefund(options: { sessionId: string; credits: number | null }): Promise<RefundQuote | null>;
  reconcile(options?: { lookbackSeconds?: number }): Promise<ReconcileReport>;
  /** Auto top-up settings and the saved card (`autoTopUp/createAutoTopUps.ts`). */
  autoTopUps: AutoTopUps;
}

export function createBilling(options: {
  config: Config;
  storage: Storage;
  log: Logger;
  stripe: Stripe;
  webhookSecret: string;
}): Billing {
  const { config, storage, log, stripe } = options;
  const pricing = createPricing(config.credits);
  return {
    pricing,
    verifyWebhookEvent: ({ body, signature }) => verifyStripeWebhook({ stripe, body, signature, secret: options.webhookSecret }),
    handleStripeEvent: (event) => handleStripeEvent({ storage, pricing, stripe, event }),
    recordFailedEvent: (failure) => purchaseRecords.recordFailedEvent(storage, failure),
    listPurchases: (listOptions) => purchaseRecords.list(storage, listOptions),
    findReceiptUrl: (purchase) => findReceiptUrl({ storage, stripe, log, purchase }),
    listStripeEvents: (listOptions) => listStripeEvents(storage, listOptions),
    findStripeEvent: (id) => findStripeEvent(storage, id),
    findPurchases: (sessionIds) => purchaseRecords.findMany(storage, sessionIds),
    refundableCredits: (sessionIds) => purchaseRecords.refundableCredits(storage, sessionIds),
    createTopUpSession: ({ user, credits, currency, saveCard, audit }) => createTopUpSession({ storage, stripe, config, pricing, log, user, credits, currency, saveCard, audit }),
    checkTopUp: ({ viewer, sessionId }) => checkTopUp({ storage, stripe, pricing, log, viewer, sessionId }),
    refundTopUp: ({ sessionId, credits, actor, audit }) => refundTopUp({ storage, stripe, sessionId, credits, actor, audit }),
    quoteRefund: ({ sessionId, credits }) => quoteRefund({ storage, sessionId, credits }),
    reconcile: (reconcileOptions = {}) => reconcile({ storage, stripe, pricing, log, ...reconcileOptions }),
    autoTopUps: createAutoTopUps({ storage, stripe, pricing, log }),
  };
}
