import type { PurchaseRow } from '../../billing/purchaseTypes.ts';
import { requestBatchLoader } from './requestBatchLoader.ts';

/**
 * `LedgerEntry.purchase` and `CreditLot.purchase`: the lookups of one request made in the same tick
 * are answered by one `find_purchases` call.
 */
export const loadPurchase = requestBatchLoader<PurchaseRow | null>(async (context, sessionIds) => {
  const rows = await context.services.billing.findPurchases(sessionIds);
  return new Map(rows.map((row) => [row.sessionId, row]));
}, null);

/**
 * `Purchase.refundableCredits`: SQL's rule (`unspent_refundable_credits`, the one refundTopUp
 * applies, outstanding reservations counted), for a page of purchases in one `refundable_credits_of`.
 */
export const loadRefundableCredits = requestBatchLoader<number>(
  (context, sessionIds) => context.services.billing.refundableCredits(sessionIds),
  0,
);
