import type Stripe from 'stripe';

/**
 * The card a sandbox customer pays with (Stripe's test card 4242 4242 4242 4242), shaped like
 * `resources.payment_method` of fixtures3.json. `customer` is null until the card is saved (a
 * checkout session with `setup_future_usage` attaches it to the session's customer).
 */
export function buildPaymentMethod(fields: { id: string; created: number; customer: string | null; email: string | null }): Stripe.PaymentMethod {
  return {
    id: fields.id,
    object: 'payment_method',
    allow_redisplay: 'unspecified',
    billing_details: {
      address: { city: null, country: 'US', line1: null, line2: null, postal_code: '94103', state: null },
      email: fields.email,
      name: 'Jenny Rosen',
      phone: null,
      tax_id: null,
    },
    card: {
      brand: 'visa',
      checks: { address_line1_check: null, address_postal_code_check: 'pass', cvc_check: 'pass' },
      country: 'US',
      display_brand: 'visa',
      exp_month: 12,
      exp_year: 2034,
      fingerprint: 'SandboxFp4242abcd',
      funding: 'credit',
      generated_from: null,
      last4: '4242',
      networks: { available: ['visa'], preferred: null },
      regulated_status: 'unregulated',
      three_d_secure_usage: { supported: true },
      wallet: null,
    },
    created: fields.created,
    customer: fields.customer,
    customer_account: null,
    livemode: false,
    metadata: {},
    type: 'card',
  };
}
