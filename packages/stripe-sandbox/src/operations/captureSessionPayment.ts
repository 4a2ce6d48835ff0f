import type Stripe from 'stripe';
import { createId } from '../createId.ts';
import { receiptPath } from '../http/handleReceiptPage.ts';
import { buildCharge } from '../objects/buildCharge.ts';
import { recordEvent, type EventCause } from '../recordEvent.ts';
import { unixSeconds, type SandboxContext } from '../sandboxContext.ts';

/**
 * Makes the payment intent succeed: a captured charge for its full amount, the intent
 * `succeeded` with `latest_charge` and `amount_received`, then the events
 * `payment_intent.succeeded` and `charge.succeeded` (in that order). `orderingKey`: the checkout
 * session's id, or the payment intent's own for one created through the API; `cause`: that request.
 */
export function captureSessionPayment(
  context: SandboxContext,
  options: { orderingKey: string; paymentIntent: Stripe.PaymentIntent; billingEmail: string | null; cause?: EventCause },
): Stripe.Charge {
  const { paymentIntent, orderingKey, cause } = options;
  const paymentMethod = typeof paymentIntent.payment_method === 'string' ? paymentIntent.payment_method : createId('pm_1');
  const chargeId = createId('ch_3');
  const charge = buildCharge({
    id: chargeId,
    created: unixSeconds(context.now()),
    amountMinor: paymentIntent.amount,
    currency: paymentIntent.currency,
    customer: typeof paymentIntent.customer === 'string' ? paymentIntent.customer : null,
    description: paymentIntent.description,
    // Stripe copies the intent's metadata onto the charge it creates.
    metadata: { ...paymentIntent.metadata },
    paymentIntent: paymentIntent.id,
    paymentMethod,
    balanceTransaction: createId('txn_3'),
    billingEmail: options.billingEmail,
    // Stripe's hosted receipt; the sandbox serves one (http/handleReceiptPage.ts).
    receiptUrl: context.baseUrl() + receiptPath(chargeId),
  });
  context.state.charges[charge.id] = charge;
  paymentIntent.status = 'succeeded';
  paymentIntent.payment_method = paymentMethod;
  paymentIntent.latest_charge = charge.id;
  paymentIntent.amount_received = paymentIntent.amount;
  paymentIntent.last_payment_error = null;
  context.markChanged();
  recordEvent(context, { input: { type: 'payment_intent.succeeded', object: paymentIntent }, orderingKey, ...(cause ? { cause } : {}) });
  recordEvent(context, { input: { type: 'charge.succeeded', object: charge }, orderingKey, ...(cause ? { cause } : {}) });
  return charge;
}
