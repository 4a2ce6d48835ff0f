import type { AuditStamp } from '../../db/auditedCall.ts';
import type Stripe from 'stripe';
import { errorCodes, TopupError } from '../../errors.ts';
import type { Storage } from '../../db/storage.ts';
import type { Logger } from '../../log.ts';
import type { Pricing } from '../pricing.ts';
import { autoTopUpRecords } from './autoTopUpRecords.ts';
import type { AutoTopUpRow } from './autoTopUpTypes.ts';

/** Settings as the user (or an admin) sends them; the price is the server's. */
export interface AutoTopUpSettingsInput {
  userId: string;
  enabled: boolean;
  thresholdCredits: number;
  credits: number;
  monthlyLimitMinor: number;
  /** An offered currency, either case; null or absent: the currency already saved, else the default. */
  currency?: string | null;
}

/**
 * Auto top-up as the transports see it (docs/auto-top-up.md). Paying is the worker's
 * (`createAutoTopUpWorker`), granting the webhook's (`handlePaymentIntentEvent`); this is reading
 * and changing the settings and the saved card.
 */
export interface AutoTopUps {
  find(userId: string): Promise<AutoTopUpRow>;
  /** At most 1,000 users, in the order given. */
  findMany(userIds: string[]): Promise<AutoTopUpRow[]>;
  /**
   * Saves the settings, pricing `credits` like any purchase (`pricing.ts`: BAD_USER_INPUT outside the
   * purchase bounds or for a currency not offered). Errors: BAD_USER_INPUT, NOT_FOUND (unknown user),
   * PAYMENT_METHOD_REQUIRED (turning it on without a saved card).
   */
  set(input: AutoTopUpSettingsInput & { audit?: AuditStamp | null }): Promise<AutoTopUpRow>;
  /**
   * Prices every saved setting again with today's price list (at boot: `CREDIT_PRICES` may have
   * changed since they were saved); one that can no longer be priced is disabled with lastError.
   */
  reprice(): Promise<{ repriced: number; disabled: number }>;
  /** Removes the saved card (auto top-up turns off) and detaches it at Stripe (a failure there is logged). */
  removeSavedCard(userId: string, audit?: AuditStamp | null): Promise<AutoTopUpRow>;
}

export function createAutoTopUps(options: { storage: Storage; stripe: Stripe; pricing: Pricing; log: Logger }): AutoTopUps {
  const { storage, stripe, pricing, log } = options;
  return {
    find: (userId) => autoTopUpRecords.find(storage, userId),
    findMany: (userIds) => autoTopUpRecords.findMany(storage, userIds),
    async set(input) {
      assertWhole(input.thresholdCredits, 'thresholdCredits', 0);
      assertWhole(input.monthlyLimitMinor, 'monthlyLimitMinor', 0);
      const saved = input.currency ? null : await autoTopUpRecords.find(storage, input.userId);
      const currencyPricing = pricing.inCurrency(input.currency ?? saved?.currency ?? null);
      const amountMinor = currencyPricing.quote(input.credits);
      return autoTopUpRecords.set(storage, {
        userId: input.userId,
        enabled: input.enabled,
        thresholdCredits: input.thresholdCredits,
        credits: input.credits,
        amountMinor,
        monthlyLimitMinor: input.monthlyLimitMinor,
        currency: currencyPricing.currency,
      }, input.audit ?? null);
    },
    async reprice() {
      const keys = await autoTopUpRecords.priceKeys(storage);
      const prices = keys.map(({ credits, currency }) => {
        const currencyPricing = pricing.findCurrency(currency);
        let amountMinor: number | null = null;
        try {
          amountMinor = currencyPricing?.quote(credits) ?? null;
        } catch (error) {
          if (!(error instanceof TopupError)) throw error;
        }
        return { credits, currency, amountMinor };
      });
      if (prices.length === 0) return { repriced: 0, disabled: 0 };
      return autoTopUpRecords.reprice(storage, prices);
    },
    async removeSavedCard(userId, audit) {
      const removed = await autoTopUpRecords.removeCard(storage, userId, audit ?? null);
      if (removed.paymentMethodId !== null) {
        await stripe.paymentMethods.detach(removed.paymentMethodId).catch((error: unknown) =>
          log.log('warn', 'saved card removed, but not detached at Stripe', { userId, error: (error as Error).message }),
        );
      }
      return removed.autoTopUp;
    },
  };
}

function assertWhole(value: number, name: string, min: number): void {
  if (!Number.isSafeInteger(value) || value < min) {
    throw new TopupError(errorCodes.badUserInput, `${name} must be a whole number of at least ${min}`);
  }
}
