import type Stripe from 'stripe';
import type { ChargeReversalFields } from './moneyObjectFields.ts';

const secondsPerDay = 24 * 60 * 60;
/** Card networks give the merchant about a week to answer; Stripe shows it as `due_by`. */
const evidenceDueAfterDays = 7;

/**
 * A fraud chargeback on a card charge, shaped like `resources.dispute` of fixtures3.json,
 * in `needs_response`; closing it sets `won` or `lost` on the stored object.
 */
export function buildDispute(fields: ChargeReversalFields): Stripe.Dispute {
  return {
    id: fields.id,
    object: 'dispute',
    amount: fields.amountMinor,
    balance_transactions: [],
    charge: fields.charge,
    created: fields.created,
    currency: fields.currency,
    enhanced_eligibility_types: [],
    evidence: {
      access_activity_log: null,
      billing_address: null,
      cancellation_policy: null,
      cancellation_policy_disclosure: null,
      cancellation_rebuttal: null,
      customer_communication: null,
      customer_email_address: null,
      customer_name: null,
      customer_purchase_ip: null,
      customer_signature: null,
      duplicate_charge_documentation: null,
      duplicate_charge_explanation: null,
      duplicate_charge_id: null,
      enhanced_evidence: {},
      product_description: null,
      receipt: null,
      refund_policy: null,
      refund_policy_disclosure: null,
      refund_refusal_explanation: null,
      service_date: null,
      service_documentation: null,
      shipping_address: null,
      shipping_carrier: null,
      shipping_date: null,
      shipping_documentation: null,
      shipping_tracking_number: null,
      uncategorized_file: null,
      uncategorized_text: null,
    },
    evidence_details: {
      due_by: fields.created + evidenceDueAfterDays * secondsPerDay,
      enhanced_eligibility: {},
      has_evidence: false,
      past_due: false,
      submission_count: 0,
      submission_method: 'not_submitted',
    },
    intended_submission_method: null,
    is_charge_refundable: false,
    livemode: false,
    metadata: {},
    payment_intent: fields.paymentIntent,
    payment_method_details: {
      card: { brand: 'visa', case_type: 'chargeback', network: 'visa', network_reason_code: '10.4' },
      type: 'card',
    },
    reason: 'fraudulent',
    status: 'needs_response',
  };
}
