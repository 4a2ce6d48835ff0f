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
