import type Stripe from 'stripe';
import type { PaymentFields } from './moneyObjectFields.ts';

/** Stripe's test card 4242 4242 4242 4242, the card every sandbox payment uses. */
const testCardDetails: Stripe.Charge.PaymentMethodDetails.Card = {
  amount_authorized: null,
  authorization_code: null,
  brand: 'visa',
  checks: { address_line1_check: null, address_postal_code_check: null, cvc_check: 'pass' },
  country: 'US',
  electronic_commerce_indicator: null,
  exp_month: 12,
  exp_year: 2034,
  extended_authorization: { status: 'disabled' },
  fingerprint: 'SandboxFp4242abcd',
  funding: 'credit',
  incremental_authorization: { status: 'unavailable' },
  installments: null,
  last4: '4242',
  mandate: null,
  multicapture: { status: 'unavailable' },
  network: 'visa',
  network_token: { used: false },
  network_transaction_id: '104557651805572',
  overcapture: { maximum_amount_capturable: 0, status: 'unavailable' },
  regulated_status: 'unregulated',
  three_d_secure: null,
  transaction_link_id: null,
  wallet: null,
};

/**
 * A succeeded, captured card charge of a payment intent, shaped like `resources.charge` of
 * fixtures3.json. Refunds and disputes later update `amount_refunded`, `refunded`, `refunds`
 * and `disputed` on the stored object.
 */
export function buildCharge(
  fields: PaymentFields & {
    paymentIntent: string;
    paymentMethod: string;
    balanceTransaction: string;
    billingEmail: string | null;
    receiptUrl: string | null;
  },
): Stripe.Charge {
  return {
    id: fields.id,
    object: 'charge',
    amount: fields.amountMinor,
    amount_captured: fields.amountMinor,
    amount_refunded: 0,
    application: null,
    application_fee: null,
    application_fee_amount: null,
    balance_transaction: fields.balanceTransaction,
    billing_details: {
      address: { city: null, country: 'US', line1: null, line2: null, postal_code: '94103', state: null },
      email: fields.billingEmail,
      name: 'Jenny Rosen',
      phone: null,
      tax_id: null,
    },
    calculated_statement_descriptor: 'TOPUP SANDBOX',
    captured: true,
    created: fields.created,
    currency: fields.currency,
    customer: fields.customer,
    description: fields.description,
    disputed: false,
    failure_balance_transaction: null,
    failure_code: null,
    failure_message: null,
    fraud_details: {},
    livemode: false,
    metadata: fields.metadata,
    on_behalf_of: null,
    outcome: {
      advice_code: null,
      network_advice_code: null,
      network_decline_code: null,
      network_status: 'approved_by_network',
      reason: null,
      risk_level: 'normal',
      risk_score: 32,
      seller_message: 'Payment complete.',
      type: 'authorized',
    },
    paid: true,
    payment_intent: fields.paymentIntent,
    payment_method: fields.paymentMethod,
    payment_method_details: { card: testCardDetails, type: 'card' },
    receipt_email: null,
    receipt_number: null,
    receipt_url: fields.receiptUrl,
    refunded: false,
    refunds: { object: 'list', data: [], has_more: false, url: `/v1/charges/${fields.id}/refunds` },
    review: null,
    shipping: null,
    source: null,
    source_transfer: null,
    statement_descriptor: null,
    statement_descriptor_suffix: null,
    status: 'succeeded',
    transfer_data: null,
    transfer_group: null,
  };
}
