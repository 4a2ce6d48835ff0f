import type Stripe from 'stripe';
import type { ChargeReversalFields } from './moneyObjectFields.ts';

/** A succeeded card refund, shaped like `resources.refund` of fixtures3.json. */
export function buildRefund(
  fields: ChargeReversalFields & {
    customer: string | null;
    paymentMethod: string | null;
    balanceTransaction: string;
    metadata: Record<string, string>;
    reason: Stripe.Refund.Reason | null;
  },
): Stripe.Refund {
  return {
    id: fields.id,
    object: 'refund',
    amount: fields.amountMinor,
    balance_transaction: fields.balanceTransaction,
    charge: fields.charge,
    created: fields.created,
    currency: fields.currency,
    customer: fields.customer,
    customer_account: null,
    destination_details: {
      card: { reference: '0000000000000000', reference_status: 'pending', reference_type: 'acquirer_reference_number', type: 'refund' },
      type: 'card',
    },
    metadata: fields.metadata,
    payment_intent: fields.paymentIntent,
    payment_method: fields.paymentMethod,
    reason: fields.reason,
    receipt_number: null,
    source_transfer_reversal: null,
    status: 'succeeded',
    transfer_reversal: null,
  };
}
