import type Stripe from 'stripe';
import { createId } from '../createId.ts';
import { chargeAmountMaxMinor, formatAmountMinor, isSupportedCurrency, minimumChargeAmountMinor } from '../currencyRules.ts';
import { buildPaymentIntent } from '../objects/buildPaymentIntent.ts';
import { recordEvent, type EventCause } from '../recordEvent.ts';
import type { RequestParams } from '../requestParams.ts';
import { unixSeconds, type SandboxContext } from '../sandboxContext.ts';
import { StripeApiError } from '../stripeApiError.ts';
import { captureSessionPayment } from './captureSessionPayment.ts';
import { cardError, cardFailureOf, lastPaymentErrorOf } from './cardDecline.ts';
import { findRecord } from './findRecord.ts';

/** Parameters of `POST /v1/payment_intents` that Stripe knows; the sandbox reads the ones Topup sends. */
const knownParameterNames = [
  'amount', 'application_fee_amount', 'automatic_payment_methods', 'capture_method', 'confirm', 'confirmation_method',
  'confirmation_token', 'currency', 'customer', 'customer_account', 'description', 'error_on_requires_action', 'expand',
  'mandate', 'mandate_data', 'metadata', 'off_session', 'on_behalf_of', 'payment_method', 'payment_method_configuration',
  'payment_method_data', 'payment_method_options', 'payment_method_types', 'radar_options', 'receipt_email', 'return_url',
  'setup_future_usage', 'shipping', 'statement_descriptor', 'statement_descriptor_suffix', 'transfer_data',
  'transfer_group', 'use_stripe_sdk',
] as const;

/**
 * `POST /v1/payment_intents`: a card payment of a customer's saved payment method, confirmed at
 * once when `confirm=true` (how Topup charges a saved card off-session). The card does what
 * `/sandbox/customers/{id}/card` last set (succeed by default):
 * - succeed: a charge, status `succeeded`; events `payment_intent.created`, `payment_intent.succeeded`, `charge.succeeded`.
 * - a failure off-session: 402 `card_error` (`authentication_required`, or `card_declined` with
 *   its `decline_code`, or `expired_card`) with the payment intent in `requires_payment_method` and
 *   `last_payment_error`; event `payment_intent.payment_failed`.
 * - `authentication_required` on-session: status `requires_action` with a `next_action`, no error.
 * Without `confirm`, the intent waits in `requires_confirmation` (or `requires_payment_method`).
 *
 * Errors (`invalid_request_error`): unknown parameter, amount outside the currency's bounds,
 * unsupported currency, `off_session` without `confirm`, confirming without a payment method,
 * unknown customer or payment method (404), a payment method not attached to the customer.
 */
export function createPaymentIntent(context: SandboxContext, params: RequestParams, cause: EventCause): Stripe.PaymentIntent {
  params.rejectUnknown(knownParameterNames);
  const currency = readCurrency(params);
  const amountMinor = readAmount(params, currency);
  const customerId = params.optionalString('customer', { lengthMax: 255 });
  if (customerId !== null) findRecord(context.state.customers, 'customer', customerId, 'customer');
  const paymentMethodId = params.optionalString('payment_method', { lengthMax: 255 });
  const paymentMethod = paymentMethodId === null ? null : findRecord(context.state.paymentMethods, 'PaymentMethod', paymentMethodId, 'payment_method');
  const confirm = params.optionalBoolean('confirm') ?? false;
  const offSession = params.optionalBoolean('off_session') ?? false;
  if (offSession && !confirm) {
    throw StripeApiError.invalidRequest('You may only specify `off_session` when `confirm=true`.', { param: 'off_session' });
  }
  if (paymentMethod !== null && paymentMethod.customer !== null && paymentMethod.customer !== customerId) {
    throw StripeApiError.invalidRequest(`The provided PaymentMethod belongs to another customer.`, { param: 'payment_method' });
  }
  if (paymentMethod !== null && paymentMethod.customer === null && offSession) {
    throw StripeApiError.invalidRequest(
      'The provided PaymentMethod was previously used with a PaymentIntent without Customer attachment, shared with a connected account without Customer attachment, or was detached from a Customer. It may not be used again. To use a PaymentMethod multiple times, you must attach it to a Customer first.',
      { param: 'payment_method' },
    );
  }
  if (confirm && paymentMethod === null) {
    throw StripeApiError.invalidRequest('You cannot confirm this PaymentIntent because it\'s missing a payment method.', { code: 'payment_intent_unexpected_state' });
  }
  const id = createId('pi_3');
  const paymentIntent = buildPaymentIntent({
    id,
    clientSecret: `${id}_secret_${createId('', 25)}`,
    created: unixSeconds(context.now()),
    amountMinor,
    currency,
    customer: customerId,
    description: params.optionalString('description', { lengthMax: 1000 }),
    metadata: params.optionalMetadata('metadata') ?? {},
    paymentMethodTypes: ['card'],
  });
  paymentIntent.payment_method = paymentMethod?.id ?? null;
  paymentIntent.setup_future_usage = params.optionalEnum('setup_future_usage', ['off_session', 'on_session'] as const);
  paymentIntent.capture_method = 'automatic';
  paymentIntent.status = paymentMethod === null ? 'requires_payment_method' : 'requires_confirmation';
  context.state.paymentIntents[id] = paymentIntent;
  context.markChanged();
  recordEvent(context, { input: { type: 'payment_intent.created', object: paymentIntent }, orderingKey: id, cause });
  if (!confirm || paymentMethod === null) return paymentIntent;
  return confirmPaymentIntent(context, { paymentIntent, paymentMethod, offSession, cause });
}

function confirmPaymentIntent(
  context: SandboxContext,
  options: { paymentIntent: Stripe.PaymentIntent; paymentMethod: Stripe.PaymentMethod; offSession: boolean; cause: EventCause },
): Stripe.PaymentIntent {
  const { paymentIntent, paymentMethod, offSession, cause } = options;
  const customerId = typeof paymentIntent.customer === 'string' ? paymentIntent.customer : null;
  const behavior = (customerId === null ? undefined : context.state.cardBehaviors[customerId]) ?? 'succeed';
  const failure = cardFailureOf(behavior);
  if (failure === null) {
    captureSessionPayment(context, { orderingKey: paymentIntent.id, paymentIntent, billingEmail: paymentMethod.billing_details.email, cause });
    return paymentIntent;
  }
  if (failure.code === 'authentication_required' && !offSession) {
    // On-session, the customer can authenticate: Stripe asks for it instead of failing.
    paymentIntent.status = 'requires_action';
    paymentIntent.next_action = {
      type: 'redirect_to_url',
      redirect_to_url: { return_url: null, url: `${context.baseUrl()}/checkout/authenticate/${paymentIntent.id}` },
    } as Stripe.PaymentIntent.NextAction;
    context.markChanged();
    recordEvent(context, { input: { type: 'payment_intent.requires_action', object: paymentIntent }, orderingKey: paymentIntent.id, cause });
    return paymentIntent;
  }
  paymentIntent.status = 'requires_payment_method';
  paymentIntent.last_payment_error = lastPaymentErrorOf(failure, paymentMethod);
  context.markChanged();
  recordEvent(context, { input: { type: 'payment_intent.payment_failed', object: paymentIntent }, orderingKey: paymentIntent.id, cause });
  throw cardError(failure, paymentIntent, paymentMethod);
}

function readCurrency(params: RequestParams): string {
  const currency = params.requiredString('currency', { lengthMax: 3 }).toLowerCase();
  if (!isSupportedCurrency(currency)) throw StripeApiError.invalidRequest(`Invalid currency: ${currency}.`, { param: 'currency' });
  return currency;
}

function readAmount(params: RequestParams, currency: string): number {
  const amountMinor = params.requiredInteger('amount', { min: 1, max: chargeAmountMaxMinor });
  const minimumMinor = minimumChargeAmountMinor(currency);
  if (amountMinor < minimumMinor) {
    throw StripeApiError.invalidRequest(`Amount must be at least ${formatAmountMinor(minimumMinor, currency)} ${currency}`, {
      param: 'amount',
      code: 'amount_too_small',
    });
  }
  return amountMinor;
}
