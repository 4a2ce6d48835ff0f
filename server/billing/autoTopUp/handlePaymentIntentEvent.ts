import type Stripe from 'stripe';
import type { Storage } from '../../db/storage.ts';
import { purchaseRecords, type EventHandling, type StripeEventRecord } from '../purchaseRecords.ts';
import { topUpMetadataType } from '../topUpMetadata.ts';
import { autoTopUpRecords, type AutoTopUpPayment } from './autoTopUpRecords.ts';
import { autoTopUpMetadataType } from './autoTopUpTypes.ts';

/**
 * `payment_intent.succeeded` and `payment_intent.payment_failed`:
 * - an auto top-up's payment (metadata `type: auto_top_up`) that succeeded is granted, once, as a
 *   purchase (`apply_auto_top_up_event`); one that failed after Stripe had accepted it is recorded
 *   as a failure (failures Stripe answered at once were recorded by the worker);
 * - a checkout top-up's payment with `setup_future_usage` saves its card for the user, with brand
 *   and last 4 from the payment method (retrieved: the event names it by id), when Stripe attached
 *   it to the user's customer;
 * - anything else is recorded as ignored.
 * Errors: NOT_FOUND (an auto top-up attempt that does not exist); a Stripe error when the payment
 * method could not be read (the event fails and Stripe delivers it again).
 */
export async function handlePaymentIntentEvent(options: {
  storage: Storage;
  stripe: Stripe;
  event: Stripe.PaymentIntentSucceededEvent | Stripe.PaymentIntentPaymentFailedEvent;
  record: StripeEventRecord;
}): Promise<EventHandling> {
  const { storage, record } = options;
  const paymentIntent = options.event.data.object;
  const metadata = paymentIntent.metadata ?? {};
  if (metadata.type === autoTopUpMetadataType) {
    if (options.event.type === 'payment_intent.succeeded') {
      return autoTopUpRecords.applyEvent(storage, { event: record, payment: autoTopUpPaymentOf(paymentIntent) });
    }
    const lastError = paymentIntent.last_payment_error;
    return autoTopUpRecords.applyFailureEvent(storage, {
      event: record,
      failure: {
        attemptId: metadata.auto_top_up_attempt_id ?? '',
        paymentIntentId: paymentIntent.id,
        code: lastError?.code ?? 'card_declined',
        declineCode: lastError?.decline_code ?? null,
        message: lastError?.message ?? 'The payment failed.',
      },
    });
  }
  if (options.event.type === 'payment_intent.succeeded' && metadata.type === topUpMetadataType && paymentIntent.setup_future_usage === 'off_session') {
    const saved = await saveCardOf({ storage, stripe: options.stripe, paymentIntent, savedAt: new Date(options.event.created * 1000) });
    return purchaseRecords.applyIgnoredEvent(storage, { event: record, outcome: saved ? 'card saved for automatic top-ups' : 'ignored: card not saved (not attached to the user\'s customer)' });
  }
  return purchaseRecords.applyIgnoredEvent(storage, { event: record, outcome: `ignored: ${options.event.type} of a payment that is not an auto top-up` });
}

/** What a succeeded auto top-up payment intent says, for `settle_auto_top_up`. */
export function autoTopUpPaymentOf(paymentIntent: Stripe.PaymentIntent): AutoTopUpPayment {
  const metadata = paymentIntent.metadata ?? {};
  return {
    paymentIntentId: paymentIntent.id,
    attemptId: metadata.auto_top_up_attempt_id ?? '',
    userId: metadata.clerk_user_id ?? '',
    amountReceivedMinor: paymentIntent.amount_received,
    currency: paymentIntent.currency,
  };
}

async function saveCardOf(options: { storage: Storage; stripe: Stripe; paymentIntent: Stripe.PaymentIntent; savedAt: Date }): Promise<boolean> {
  const { paymentIntent } = options;
  const userId = paymentIntent.metadata?.clerk_user_id;
  const customerId = idOf(paymentIntent.customer);
  const paymentMethodId = idOf(paymentIntent.payment_method);
  if (!userId || customerId === null || paymentMethodId === null) return false;
  // A Stripe failure here is thrown as is (not a TopupError): the webhook answers 500 and Stripe
  // delivers the event again, so the card is not lost.
  const paymentMethod = await options.stripe.paymentMethods.retrieve(paymentMethodId);
  // Saved means attached to the customer; a detached (removed) card is not saved again.
  if (idOf(paymentMethod.customer) !== customerId || paymentMethod.card === undefined) return false;
  const saved = await autoTopUpRecords.saveCard(options.storage, {
    userId,
    customerId,
    paymentMethodId,
    brand: paymentMethod.card.brand,
    last4: paymentMethod.card.last4,
    savedAt: options.savedAt.toISOString(),
  });
  return saved !== null;
}

function idOf(value: string | { id: string } | null | undefined): string | null {
  if (value === null || value === undefined) return null;
  return typeof value === 'string' ? value : value.id;
}
