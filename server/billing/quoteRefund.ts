import type { Storage } from '../db/storage.ts';

/** What a refund of some credits of a purchase would return, as `refund_quote` computes it. */
export interface RefundQuote {
  credits: number;
  /** In minor units of `currency`: the currency charged, which Stripe refunds in. */
  amountMinor: number;
  currency: string;
}

/**
 * The money refunding `credits` (null: every refundable credit) of a purchase would return now,
 * without reserving anything, so an admin sees it before confirming. The rule is SQL's
 * `refund_amount_minor` (functions/refunds.sql), the one `reserve_refund` applies when the refund is
 * made; a refund made in between may change it, and `refundTopUp` then reserves the new figure.
 * Null when the purchase is unknown or those credits cannot be refunded. Errors: none of its own.
 */
export async function quoteRefund(options: { storage: Storage; sessionId: string; credits: number | null }): Promise<RefundQuote | null> {
  return options.storage.call<RefundQuote | null>('refund_quote', { p_session_id: options.sessionId, p_credits: options.credits });
}
