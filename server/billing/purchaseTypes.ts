/** Lifecycle of one checkout session for credits (`credit_purchases.status`). */
export const purchaseStatuses = [
  'open',
  'paid',
  'pending',
  'failed',
  'expired',
  'refunded',
  'partially_refunded',
  'disputed',
] as const;
export type PurchaseStatus = (typeof purchaseStatuses)[number];

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
  createdAt: string;
  paidAt: string | null;
  updatedAt: string;
}
