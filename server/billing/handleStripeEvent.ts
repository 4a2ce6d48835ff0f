import type Stripe from 'stripe';
import type { Storage } from '../db/storage.ts';
import type { Pricing } from './pricing.ts';
import { handlePaymentIntentEvent } from './autoTopUp/handlePaymentIntentEvent.ts';
import { fulfillCheckout } from './fulfillCheckout.ts';
import { stripeEventRecord } from './stripeEventRecord.ts';
import { purchaseRecords, type EventHandling, type StripeEventRecord } from './purchaseRecords.ts';

export type { EventHandling } from './purchaseRecords.ts';

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
  'payment_intent.succeeded',
  'payment_intent.payment_failed',
] as const;

/**
 * Applies one verified Stripe event: its effect and its record in `stripe_events` commit together,
 * in one SQL call. Each branch is idempotent and order-independent on its own: sessions settle once;
 * refunds and disputes record targets (cumulative amount refunded, dispute status) that the ledger
 * moves towards. The answer says what happened (`kind`) and, unless a duplicate, the outcome recorded
 * for the event in words (`description`, built once, in SQL).
 * Errors: NOT_FOUND (an unknown session without usable metadata, an unknown auto top-up), transient
 * storage errors, Stripe errors reading a saved card's payment method.
 */
export async function handleStripeEvent(options: { storage: Storage; pricing: Pricing; stripe: Stripe; event: Stripe.Event }): Promise<EventHandling> {
  const { storage, pricing, event } = options;
  const record: StripeEventRecord = stripeEventRecord(event);
  switch (event.type) {
    case 'checkout.session.completed':
    case 'checkout.session.async_payment_succeeded':
    case 'checkout.session.async_payment_failed':
    case 'checkout.session.expired': {
      return fulfillCheckout({
        storage,
        pricing,
        session: event.data.object,
        asyncPaymentFailed: event.type === 'checkout.session.async_payment_failed',
        event: record,
      });
    }
    case 'charge.refunded':
      return applyPaymentEvent({ storage, record, paymentIntentId: idOf(event.data.object.payment_intent), amountRefundedMinor: event.data.object.amount_refunded, dispute: null });
    case 'charge.dispute.created':
    case 'charge.dispute.updated':
    case 'charge.dispute.closed': {
      const dispute = event.data.object;
      return applyPaymentEvent({ storage, record, paymentIntentId: idOf(dispute.payment_intent), amountRefundedMinor: null, dispute: { id: dispute.id, status: dispute.status } });
    }
    case 'payment_intent.succeeded':
    case 'payment_intent.payment_failed':
      // Auto top-ups are granted here; a checkout's payment that saved its card stores the card.
      return handlePaymentIntentEvent({ storage, stripe: options.stripe, event, record });
    default:
      return purchaseRecords.applyIgnoredEvent(storage, { event: record, outcome: `ignored: ${event.type} is not handled` });
  }
}

async function applyPaymentEvent(options: {
  storage: Storage;
  record: StripeEventRecord;
  paymentIntentId: string | null;
  amountRefundedMinor: number | null;
  dispute: { id: string; status: string } | null;
}): Promise<EventHandling> {
  const { storage, record } = options;
  if (options.paymentIntentId === null) {
    return purchaseRecords.applyIgnoredEvent(storage, { event: record, outcome: 'ignored: no payment intent' });
  }
  return purchaseRecords.applyPaymentEvent(storage, {
    event: record,
    paymentIntentId: options.paymentIntentId,
    amountRefundedMinor: options.amountRefundedMinor,
    disputeId: options.dispute?.id ?? null,
    disputeStatus: options.dispute?.status ?? null,
  });
}

function idOf(value: string | { id: string } | null | undefined): string | null {
  if (value === null || value === undefined) return null;
  return typeof value === 'string' ? value : value.id;
}
