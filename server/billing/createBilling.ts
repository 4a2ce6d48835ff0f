import type Stripe from 'stripe';
import type { Config } from '../config.ts';
import type { Storage } from '../db/storage.ts';
import type { Logger } from '../log.ts';
import { createPricing, type Pricing } from './pricing.ts';
import { verifyStripeWebhook } from './stripe/verifyStripeWebhook.ts';
import { createTopUpSession, type TopUpSession } from './createTopUpSession.ts';
import { checkTopUp, type TopUpState } from './checkTopUp.ts';
import { refundTopUp, type RefundResult } from './refundTopUp.ts';
import { reconcile, type ReconcileReport } from './reconcile.ts';
import { handleStripeEvent, type EventHandling } from './handleStripeEvent.ts';
import { purchaseRecords, type StripeEventRecord } from './purchaseRecords.ts';
import type { PurchaseRow } from './purchaseTypes.ts';
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
  recordFailedEvent(options: { event: StripeEventRecord; outcome: string; error: string | null }): Promise<void>;
  listPurchases(options: { userId?: string | null; flaggedOnly?: boolean; first?: number | null; after?: string | null }): Promise<Page<PurchaseRow>>;
  /** At most 1,000 ids; missing sessions are absent from the result. */
  findPurchases(sessionIds: string[]): Promise<PurchaseRow[]>;
  /** `currency`: an offered ISO code, either case; the default currency when null or absent. */
  /** `saveCard`: save the card for automatic top-ups (`setup_future_usage: off_session`). */
  createTopUpSession(options: { user: { userId: string; email: string | null }; credits: number; currency?: string | null; saveCard?: boolean | null }): Promise<TopUpSession>;
  checkTopUp(options: { viewer: { userId: string; isAdmin: boolean }; sessionId: string }): Promise<TopUpState>;
  refundTopUp(options: { sessionId: string; credits: number | null; actor: string }): Promise<RefundResult>;
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
    findPurchases: (sessionIds) => purchaseRecords.findMany(storage, sessionIds),
    createTopUpSession: ({ user, credits, currency, saveCard }) => createTopUpSession({ storage, stripe, config, pricing, log, user, credits, currency, saveCard }),
    checkTopUp: ({ viewer, sessionId }) => checkTopUp({ storage, stripe, pricing, log, viewer, sessionId }),
    refundTopUp: ({ sessionId, credits, actor }) => refundTopUp({ storage, stripe, sessionId, credits, actor }),
    reconcile: (reconcileOptions = {}) => reconcile({ storage, stripe, pricing, log, ...reconcileOptions }),
    autoTopUps: createAutoTopUps({ storage, stripe, pricing, log }),
  };
}
