import type Stripe from 'stripe';
import type { Config } from '../config.ts';
import type { Storage } from '../db/storage.ts';
import type { Logger } from '../log.ts';
import { createPricing, type Pricing } from './pricing.ts';
import { createTopUpSession, type TopUpSession } from './createTopUpSession.ts';
import { checkTopUp, type TopUpState } from './checkTopUp.ts';
import { refundTopUp, type RefundResult } from './refundTopUp.ts';
import { reconcile, type ReconcileReport } from './reconcile.ts';

/**
 * Billing as the transports see it: the pricing and the Stripe operations, with their dependencies
 * bound once at boot. Each method is one function of this folder; read those for the rules.
 */
export interface Billing {
  pricing: Pricing;
  stripe: Stripe;
  /** The webhook endpoint's signing secret (the sandbox's own when no STRIPE_WEBHOOK_SECRET is set). */
  webhookSecret(): string;
  createTopUpSession(options: { user: { userId: string; email: string | null }; credits: number }): Promise<TopUpSession>;
  checkTopUp(options: { viewer: { userId: string; isAdmin: boolean }; sessionId: string }): Promise<TopUpState>;
  refundTopUp(options: { sessionId: string; credits: number | null; actor: string }): Promise<RefundResult>;
  reconcile(options?: { lookbackSeconds?: number }): Promise<ReconcileReport>;
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
    stripe,
    webhookSecret: () => options.webhookSecret,
    createTopUpSession: ({ user, credits }) => createTopUpSession({ storage, stripe, config, pricing, log, user, credits }),
    checkTopUp: ({ viewer, sessionId }) => checkTopUp({ storage, stripe, pricing, log, viewer, sessionId }),
    refundTopUp: ({ sessionId, credits, actor }) => refundTopUp({ storage, stripe, sessionId, credits, actor }),
    reconcile: (reconcileOptions = {}) => reconcile({ storage, stripe, pricing, log, ...reconcileOptions }),
  };
}
