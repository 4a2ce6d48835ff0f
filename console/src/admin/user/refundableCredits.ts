import type { PurchaseFieldsFragment } from '../../generated/graphql.ts';

/**
 * Credits of a purchase an admin may refund: what it granted and was not already taken back, and
 * never more than the user still has (refunding spent credits would put them in debt). The server
 * enforces its own rule; this only sets the form's bound.
 */
export function refundableCredits(purchase: PurchaseFieldsFragment, userCredits: number): number {
  if (purchase.status !== 'PAID' && purchase.status !== 'PARTIALLY_REFUNDED') return 0;
  return Math.max(0, Math.min(purchase.creditsGranted - purchase.creditsClawedBack, userCredits));
}
