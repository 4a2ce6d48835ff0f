import type { PurchaseRow } from './purchaseTypes.ts';

/**
 * Credits of a purchase that may be refunded now: what it granted and was not already taken back,
 * and never more than its owner's balance (refunding spent credits would put them in debt); at
 * least 0, and 0 for a purchase that was never paid and granted (no payment to refund).
 * The GraphQL `Purchase.refundableCredits` shows it. The rule that decides is SQL's
 * `unspent_refundable_credits` (functions/refunds.sql), which `refundTopUp` applies under the
 * purchase's lock and which also subtracts refunds reserved and not yet reported by Stripe's events
 * (seconds, normally): this one, without those, is the same rule for a purchase at rest.
 */
export function refundableCredits(
  purchase: Pick<PurchaseRow, 'creditsGranted' | 'creditsClawedBack' | 'paymentIntentId'>,
  ownerCredits: number,
): number {
  if (purchase.creditsGranted === 0 || purchase.paymentIntentId === null) return 0;
  return Math.max(0, Math.min(purchase.creditsGranted - purchase.creditsClawedBack, ownerCredits));
}
