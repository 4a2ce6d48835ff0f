import type Stripe from 'stripe';
import type { Storage } from '../db/storage.ts';
import type { Logger } from '../log.ts';
import { purchaseRecords } from './purchaseRecords.ts';
import type { PurchaseRow, PurchaseStatus } from './purchaseTypes.ts';

/** The statuses of a purchase that was charged, so its charge has a receipt. */
const chargedStatuses: ReadonlySet<PurchaseStatus> = new Set(['paid', 'refunded', 'partially_refunded', 'disputed']);

/** Whether `findReceiptUrl` would ask Stripe for this purchase (charged, linked to a payment, none stored). */
export function needsReceiptLookup(purchase: PurchaseRow): boolean {
  return purchase.receiptUrl === null && purchase.paymentIntentId !== null && chargedStatuses.has(purchase.status);
}

/**
 * Stripe's receipt page (`receipt_url` of the payment's charge) of a charged purchase, stored once
 * known, so each purchase costs at most one Stripe call, ever.
 *
 * Why here and not in the webhook: `checkout.session.completed` carries no charge, so the webhook
 * would have to retrieve the payment intent for every fulfilment, adding Stripe's latency and
 * failures to the path that grants credits, for receipts most users never open. The owner's payments
 * list asks instead (a bounded number per request: `server/graphql/resolvers/billingResolvers.ts`).
 * When Stripe cannot be reached, or the charge has no receipt yet, the answer is null and a later
 * request tries again; the list still shows.
 */
export async function findReceiptUrl(options: { storage: Storage; stripe: Stripe; log: Logger; purchase: PurchaseRow }): Promise<string | null> {
  const { purchase } = options;
  if (purchase.receiptUrl !== null) return purchase.receiptUrl;
  if (!needsReceiptLookup(purchase)) return null;
  let receiptUrl: string | null;
  try {
    const paymentIntent = await options.stripe.paymentIntents.retrieve(purchase.paymentIntentId!, { expand: ['latest_charge'] });
    const charge = paymentIntent.latest_charge;
    receiptUrl = charge !== null && typeof charge === 'object' ? (charge.receipt_url ?? null) : null;
  } catch (error) {
    options.log.log('warn', 'could not fetch a receipt URL from Stripe; a later request tries again', { sessionId: purchase.sessionId, error });
    return null;
  }
  if (receiptUrl === null || !/^https?:\/\//.test(receiptUrl)) return null;
  const stored = await purchaseRecords.recordReceiptUrl(options.storage, { sessionId: purchase.sessionId, receiptUrl });
  return stored.receiptUrl;
}
