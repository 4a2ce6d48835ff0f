import type { PurchaseStatus } from '../vocabulary.ts';

// The lifecycle of one checkout session (`credit_purchases.status`) is a word of the one vocabulary
// (`server/vocabulary.ts`); re-exported for billing's code.
export { purchaseStatuses } from '../vocabulary.ts';
export type { PurchaseStatus } from '../vocabulary.ts';

/** One row of `credit_purchases`. */
export interface PurchaseRow {
  sessionId: string;
  userId: string;
  status: PurchaseStatus;
  credits: number;
  amountMinor: number;
  currency: string;
  paymentIntentId: string | null;
  /** What Stripe reported as paid; null until paid. */
  amountPaidMinor: number | null;
  creditsGranted: number;
  amountRefundedMinor: number;
  creditsClawedBack: number;
  disputeStatus: string | null;
  flagReason: string | null;
  /** Charged in another currency (Stripe Adaptive Pricing): the amount, in minor units of `presentmentCurrency`; else null. */
  presentmentAmountMinor: number | null;
  presentmentCurrency: string | null;
  /** Stripe's rate from `currency` to `presentmentCurrency`, as a decimal string; null without a conversion. */
  fxRate: string | null;
  /** Stripe's receipt page of the charge, once known (stored by `findReceiptUrl.ts`); else null. */
  receiptUrl: string | null;
  createdAt: string;
  paidAt: string | null;
  updatedAt: string;
}
