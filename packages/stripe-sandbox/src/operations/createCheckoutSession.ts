import type Stripe from 'stripe';
import { createId } from '../createId.ts';
import { amountStepMinor, chargeAmountMaxMinor, formatAmountMinor, isSupportedCurrency, minimumChargeAmountMinor } from '../currencyRules.ts';
import { buildCheckoutSession } from '../objects/buildCheckoutSession.ts';
import { buildLineItem, type WireLineItem } from '../objects/buildLineItem.ts';
import type { RequestParams } from '../requestParams.ts';
import { unixSeconds, type SandboxContext } from '../sandboxContext.ts';
import type { StoredCheckoutSession } from '../sandboxState.ts';
import { StripeApiError } from '../stripeApiError.ts';
import { findRecord } from './findRecord.ts';

/** Every top-level parameter Stripe accepts here; the sandbox reads the ones Topup needs. */
const knownParameterNames = [
  'adaptive_pricing', 'after_expiration', 'allow_promotion_codes', 'allowed_payment_method_types', 'automatic_tax',
  'billing_address_collection', 'branding_settings', 'cancel_url', 'client_reference_id', 'consent_collection',
  'currency', 'custom_fields', 'custom_text', 'customer', 'customer_account', 'customer_creation', 'customer_email',
  'customer_update', 'discounts', 'excluded_payment_method_types', 'expand', 'expires_at', 'integration_identifier',
  'invoice_creation', 'line_items', 'locale', 'managed_payments', 'metadata', 'mode', 'name_collection',
  'optional_items', 'origin_context', 'payment_intent_data', 'payment_method_collection',
  'payment_method_configuration', 'payment_method_data', 'payment_method_options', 'payment_method_types',
  'permissions', 'phone_number_collection', 'redirect_on_completion', 'return_url', 'saved_payment_method_options',
  'setup_intent_data', 'shipping_address_collection', 'shipping_options', 'submit_type', 'subscription_data',
  'success_url', 'tax_id_collection', 'ui_mode', 'wallet_options',
] as const;

/** Stripe's bounds on `expires_at`: 30 minutes to 24 hours after creation; 24 hours by default. */
const expiresAfterSecondsMin = 30 * 60;
const expiresAfterSecondsMax = 24 * 60 * 60;
/** Stripe accepts up to 100 line items in payment mode. */
const lineItemCountMax = 100;
const quantityMax = 999_999;

const locales: readonly Stripe.Checkout.Session.Locale[] = [
  'auto', 'bg', 'cs', 'da', 'de', 'el', 'en', 'en-GB', 'es', 'es-419', 'et', 'fi', 'fil', 'fr', 'fr-CA', 'hr', 'hu',
  'id', 'it', 'ja', 'ko', 'lt', 'lv', 'ms', 'mt', 'nb', 'nl', 'pl', 'pt', 'pt-BR', 'ro', 'ru', 'sk', 'sl', 'sv',
  'th', 'tr', 'vi', 'zh', 'zh-HK', 'zh-TW',
];
const submitTypes: readonly Stripe.Checkout.Session.SubmitType[] = ['auto', 'book', 'donate', 'pay', 'subscribe'];

/**
 * `POST /v1/checkout/sessions` in payment mode with `price_data` line items: validates like
 * Stripe, then stores an open, unpaid session whose `url` is the sandbox's hosted page.
 *
 * Errors (`invalid_request_error`): unknown parameter; mode missing or not `payment`; missing or
 * malformed line items (currency, integer `unit_amount` >= 0, product name, quantity); mixed
 * currencies; total under the currency's minimum charge or over Stripe's maximum
 * (`amount_too_small`, `amount_too_large`); both `customer` and `customer_email`; unknown
 * customer (404 `resource_missing`); `expires_at` outside 30 minutes to 24 hours; invalid URLs;
 * metadata over Stripe's limits.
 */
export function createCheckoutSession(context: SandboxContext, params: RequestParams): Stripe.Checkout.Session {
  params.rejectUnknown(knownParameterNames);
  readMode(params);
  // `hosted` is the older spelling of `hosted_page`; the other modes need Stripe.js.
  const uiMode = params.optionalEnum('ui_mode', ['hosted', 'hosted_page', 'embedded', 'embedded_page', 'custom', 'elements', 'form'] as const);
  if (uiMode !== null && uiMode !== 'hosted' && uiMode !== 'hosted_page') {
    throw StripeApiError.invalidRequest('The Stripe sandbox only serves hosted Checkout (ui_mode=hosted_page).', { param: 'ui_mode' });
  }
  const createdAtMilliseconds = context.now();
  const created = unixSeconds(createdAtMilliseconds);
  const lineItems = readLineItems(params, created);
  const currency = commonCurrency(lineItems);
  const amountTotalMinor = lineItems.reduce((sum, lineItem) => sum + lineItem.amount_total, 0);
  checkAmountBounds(amountTotalMinor, currency);
  const customer = readCustomer(context, params);
  const paymentIntentData = params.optionalObject('payment_intent_data');
  const id = createId('cs_test_a1', 58);
  const session = buildCheckoutSession({
    id,
    created,
    expiresAt: readExpiresAt(params, created),
    url: `${context.baseUrl()}/checkout/${id}`,
    currency,
    amountTotalMinor,
    customer: customer.customer,
    customerEmail: customer.customerEmail,
    customerCreation: params.optionalEnum('customer_creation', ['always', 'if_required'] as const),
    clientReferenceId: params.optionalString('client_reference_id', { lengthMax: 200 }),
    metadata: params.optionalMetadata('metadata') ?? {},
    successUrl: readUrl(params, 'success_url'),
    cancelUrl: readUrl(params, 'cancel_url'),
    paymentMethodTypes: readPaymentMethodTypes(params),
    locale: params.optionalEnum('locale', locales),
    submitType: params.optionalEnum('submit_type', submitTypes),
  });
  const stored: StoredCheckoutSession = {
    session,
    lineItems,
    paymentIntentData: {
      metadata: paymentIntentData?.optionalMetadata('metadata') ?? {},
      description: paymentIntentData?.optionalString('description', { lengthMax: 1000 }) ?? null,
      setupFutureUsage: paymentIntentData?.optionalEnum('setup_future_usage', ['off_session', 'on_session'] as const) ?? null,
    },
  };
  context.state.checkoutSessions[id] = stored;
  context.markChanged();
  return session;
}

function readMode(params: RequestParams): void {
  const mode = params.optionalEnum('mode', ['payment', 'setup', 'subscription'] as const);
  if (mode === null) throw StripeApiError.missingParameter('mode');
  if (mode !== 'payment') {
    throw StripeApiError.invalidRequest(`The Stripe sandbox only supports mode=payment, not mode=${mode}.`, { param: 'mode' });
  }
}

function readLineItems(params: RequestParams, created: number): WireLineItem[] {
  const entries = params.objectList('line_items', { countMax: lineItemCountMax });
  if (entries.length === 0) {
    throw StripeApiError.invalidRequest('`line_items` is required in `payment` mode.', { param: 'line_items', code: 'parameter_missing' });
  }
  return entries.map((entry) => {
    entry.rejectUnknown(['adjustable_quantity', 'dynamic_tax_rates', 'metadata', 'price', 'price_data', 'quantity', 'tax_rates']);
    const priceId = entry.optionalString('price');
    if (priceId !== null) {
      // The sandbox has no price catalog; Topup prices each purchase with price_data.
      throw StripeApiError.resourceMissing('price', priceId, entry.parameterName('price'));
    }
    const priceData = entry.requiredObject('price_data');
    priceData.rejectUnknown(['currency', 'product', 'product_data', 'recurring', 'tax_behavior', 'unit_amount', 'unit_amount_decimal']);
    if (priceData.has('recurring')) {
      throw StripeApiError.invalidRequest('You must use `subscription` mode for recurring prices.', { param: priceData.parameterName('recurring') });
    }
    const currency = priceData.requiredString('currency', { lengthMax: 3 }).toLowerCase();
    if (!isSupportedCurrency(currency)) {
      throw StripeApiError.invalidRequest(`Invalid currency: ${currency}. The Stripe sandbox supports: usd, eur, gbp, jpy and other Stripe settlement currencies.`, {
        param: priceData.parameterName('currency'),
      });
    }
    const unitAmountMinor = priceData.requiredInteger('unit_amount', { min: 0, max: chargeAmountMaxMinor });
    const productId = priceData.optionalString('product');
    if (productId !== null) throw StripeApiError.resourceMissing('product', productId, priceData.parameterName('product'));
    const productData = priceData.requiredObject('product_data');
    const name = productData.requiredString('name', { lengthMax: 250 });
    productData.optionalString('description', { lengthMax: 1000 });
    const quantity = entry.requiredInteger('quantity', { min: 1, max: quantityMax });
    return buildLineItem({
      id: createId('li_1'),
      priceId: createId('price_1'),
      productId: createId('prod_', 14),
      created,
      currency,
      unitAmountMinor,
      quantity,
      description: name,
    });
  });
}

function commonCurrency(lineItems: WireLineItem[]): string {
  const currencies = new Set(lineItems.map((lineItem) => lineItem.currency));
  if (currencies.size > 1) {
    throw StripeApiError.invalidRequest('All line items must have the same currency.', { param: 'line_items' });
  }
  const [currency] = currencies;
  if (currency === undefined) throw new Error('commonCurrency: no line items');
  return currency;
}

function checkAmountBounds(amountTotalMinor: number, currency: string): void {
  if (amountTotalMinor % amountStepMinor(currency) !== 0) {
    throw StripeApiError.invalidRequest(
      `Amounts in ${currency.toUpperCase()} must be a multiple of ${amountStepMinor(currency)} (the last digit must be 0).`,
      { code: 'invalid_amount' },
    );
  }
  const minimumMinor = minimumChargeAmountMinor(currency);
  if (amountTotalMinor < minimumMinor) {
    throw StripeApiError.invalidRequest(
      `The Checkout Session's total amount due must add up to at least ${formatAmountMinor(minimumMinor, currency)} ${currency}`,
      { code: 'amount_too_small' },
    );
  }
  if (amountTotalMinor > chargeAmountMaxMinor) {
    throw StripeApiError.invalidRequest(
      `The Checkout Session's total amount due must be no more than ${formatAmountMinor(chargeAmountMaxMinor, currency)} ${currency}`,
      { code: 'amount_too_large' },
    );
  }
}

function readCustomer(context: SandboxContext, params: RequestParams): { customer: string | null; customerEmail: string | null } {
  const customerId = params.optionalString('customer', { lengthMax: 255 });
  const customerEmail = params.optionalString('customer_email', { lengthMax: 512 });
  if (customerId !== null && customerEmail !== null) {
    throw StripeApiError.invalidRequest('You may only specify one of these parameters: customer, customer_email.', { param: 'customer_email' });
  }
  if (customerId !== null) findRecord(context.state.customers, 'customer', customerId, 'customer');
  return { customer: customerId, customerEmail };
}

function readExpiresAt(params: RequestParams, created: number): number {
  const expiresAt = params.optionalInteger('expires_at');
  if (expiresAt === null) return created + expiresAfterSecondsMax;
  if (expiresAt < created + expiresAfterSecondsMin) {
    throw StripeApiError.invalidRequest('The `expires_at` timestamp must be at least 30 minutes from Checkout Session creation.', { param: 'expires_at' });
  }
  if (expiresAt > created + expiresAfterSecondsMax) {
    throw StripeApiError.invalidRequest('The `expires_at` timestamp must be less than 24 hours from Checkout Session creation.', { param: 'expires_at' });
  }
  return expiresAt;
}

function readUrl(params: RequestParams, name: string): string | null {
  const value = params.optionalString(name, { lengthMax: 5000 });
  if (value === null) return null;
  // Stripe substitutes `{CHECKOUT_SESSION_ID}` on redirect, so it must survive URL parsing.
  const candidate = value.replaceAll('{CHECKOUT_SESSION_ID}', 'cs_placeholder');
  let parsed: URL;
  try {
    parsed = new URL(candidate);
  } catch {
    throw StripeApiError.invalidRequest('Not a valid URL', { param: name, code: 'url_invalid' });
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
    throw StripeApiError.invalidRequest('Not a valid URL', { param: name, code: 'url_invalid' });
  }
  return value;
}

function readPaymentMethodTypes(params: RequestParams): string[] {
  const types = params.stringList('payment_method_types', { countMax: 20 });
  return types.length === 0 ? ['card'] : types;
}
