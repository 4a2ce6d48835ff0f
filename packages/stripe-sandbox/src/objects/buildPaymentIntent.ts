import type Stripe from 'stripe';
import type { PaymentFields } from './moneyObjectFields.ts';

/**
 * A payment intent created by a checkout session at confirmation, shaped like
 * `resources.payment_intent` of fixtures3.json. It starts in `requires_payment_method`; the
 * payment operations move it through `processing` and `succeeded`.
 */
export function buildPaymentIntent(fields: PaymentFields & { clientSecret: string; paymentMethodTypes: string[] }): Stripe.PaymentIntent {
  return {
    id: fields.id,
    object: 'payment_intent',
    allowed_payment_method_types: null,
    amount: fields.amountMinor,
    amount_capturable: 0,
    amount_details: { tip: {} },
    amount_received: 0,
    application: null,
    application_fee_amount: null,
    automatic_payment_methods: null,
    canceled_at: null,
    cancellation_reason: null,
    capture_method: 'automatic_async',
    client_secret: fields.clientSecret,
    confirmation_method: 'automatic',
    created: fields.created,
    currency: fields.currency,
    customer: fields.customer,
    customer_account: null,
    description: fields.description,
    excluded_payment_method_types: null,
    last_payment_error: null,
    latest_charge: null,
    livemode: false,
    managed_payments: null,
    metadata: fields.metadata,
    next_action: null,
    on_behalf_of: null,
    payment_method: null,
    payment_method_configuration_details: null,
    payment_method_options: { card: { installments: null, mandate_options: null, network: null, request_three_d_secure: 'automatic' } },
    payment_method_types: fields.paymentMethodTypes,
    payment_record: null,
    processing: null,
    receipt_email: null,
    review: null,
    setup_future_usage: null,
    shipping: null,
    source: null,
    statement_descriptor: null,
    statement_descriptor_suffix: null,
    status: 'requires_payment_method',
    transfer_data: null,
    transfer_group: null,
  };
}
