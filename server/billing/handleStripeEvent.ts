import type Stripe from 'stripe';
import type { Storage } from '../db/storage.ts';
import type { Pricing } from './pricing.ts';
import { fulfillCheckout } from './fulfillCheckout.ts';
import { purchaseRecords } from './purchaseRecords.ts';

/** The event types Topup acts on; every other type is acknowledged and ignored. */
export const handledStripeEventTypes = [
  'checkout.session.completed',
  'checkout.session.async_payment_succeeded',
  'checkout.session.async_payment_failed',
  'checkout.session.expired',
  'charge.refunded',
  'charge.dispute.created',
  'charge.dispute.updated',
  'charge.dispute.closed',
] as const;

/**
 * Applies one verified Stripe event and says what it did, in words for the event log. Each branch is
 * idempotent and order-independent on its own: sessions settle once; refunds and disputes record
 * targets (cumulative amount refunded, dispute status) that the ledger moves towards.
 * Errors: transient storage errors only (the webhook answers 5xx and Stripe retries).
 */
export async function handleStripeEvent(options: { storage: Storage; pricing: Pricing; event: Stripe.Event }): Promise<string> {
  const { storage, pricing, event } = options;
  switch (event.type) {
    case 'checkout.session.completed':
    case 'checkout.session.async_payment_succeeded':
    case 'checkout.session.async_payment_failed':
    case 'checkout.session.expired': {
      const result = await fulfillCheckout({
        storage,
        pricing,
        session: event.data.object,
        asyncPaymentFailed: event.type === 'checkout.session.async_payment_failed',
      });
      if (result.outcome === 'ignored') return `ignored: ${result.reason}`;
      const { purchase } = result;
      return purchase.flagReason ? `flagged: ${purchase.flagReason}` : `purchase ${purchase.status}, ${purchase.creditsGranted} credits granted`;
    }
    case 'charge.refunded': {
      const charge = event.data.object;
      const paymentIntentId = idOf(charge.payment_intent);
      if (paymentIntentId === null) return 'ignored: charge without a payment intent';
      const purchase = await purchaseRecords.recordPaymentState(storage, {
        paymentIntentId,
        amountRefundedMinor: charge.amount_refunded,
        disputeId: null,
        disputeStatus: null,
      });
      return purchase ? `refund total ${charge.amount_refunded}: ${purchase.creditsClawedBack} credits clawed back` : 'refund recorded for a payment not (yet) known';
    }
    case 'charge.dispute.created':
    case 'charge.dispute.updated':
    case 'charge.dispute.closed': {
      const dispute = event.data.object;
      const paymentIntentId = idOf(dispute.payment_intent);
      if (paymentIntentId === null) return 'ignored: dispute without a payment intent';
      const purchase = await purchaseRecords.recordPaymentState(storage, {
        paymentIntentId,
        amountRefundedMinor: null,
        disputeId: dispute.id,
        disputeStatus: dispute.status,
      });
      return purchase ? `dispute ${dispute.status}: ${purchase.creditsClawedBack} credits clawed back` : 'dispute recorded for a payment not (yet) known';
    }
    default:
      return `ignored: ${event.type} is not handled`;
  }
}

function idOf(value: string | { id: string } | null | undefined): string | null {
  if (value === null || value === undefined) return null;
  return typeof value === 'string' ? value : value.id;
}
