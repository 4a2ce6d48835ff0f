import type { PurchaseRow } from './purchaseTypes.ts';

/**
 * Credits of a purchase that may be refunded now: what it granted and was not already taken back,
 * and never more than its owner's balance (refunding spent credits would put them in debt); at
 * least 0, and 0 for a purchase that was never paid and granted (no payment to refund).
 * `refundTopUp` enforces it and the GraphQL `Purchase.refundableCredits` shows it, so the
 * console's bound is the server's rule, not a copy of it.
 */
export function refundableCredits(
  purchase: Pick<PurchaseRow, 'creditsGranted' | 'creditsClawedBack' | 'paymentIntentId'>,
  ownerCredits: number,
): number {
  if (purchase.creditsGranted === 0 || purchase.paymentIntentId === null) return 0;
  return Math.max(0, Math.min(purchase.creditsGranted - purchase.creditsClawedBack, ownerCredits));
}
