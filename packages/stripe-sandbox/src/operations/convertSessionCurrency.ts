import type Stripe from 'stripe';
import { amountStepMinor, currencyDecimalDigits, isSupportedCurrency } from '../currencyRules.ts';
import type { SandboxContext } from '../sandboxContext.ts';
import type { StoredCheckoutSession } from '../sandboxState.ts';
import { StripeApiError } from '../stripeApiError.ts';

/** The customer's choice of their own currency on the hosted page (Stripe Adaptive Pricing). */
export interface SessionConversion {
  /** Lower-case ISO code of the currency the customer pays in. */
  presentmentCurrency: string;
  /** Units of the presentment currency per unit of the session's currency, as a decimal string ("0.92"). */
  fxRate: string;
}

/**
 * Converts an open session into the customer's currency the way Adaptive Pricing reports it:
 * `currency`, `amount_subtotal` and `amount_total` become the presentment ones, and
 * `currency_conversion` keeps the session's own (`source_currency`, `amount_subtotal`,
 * `amount_total`) with the `fx_rate`. A payment intent made already (after a decline) is charged in
 * the new currency too. Amounts convert across exponents (USD cents to whole yen, to KWD fils) and
 * round half up to the currency's step (10 for three-decimal currencies). Line items keep the
 * session's own currency.
 *
 * Errors: `invalid_request_error` for an unsupported currency, the session's own currency, a
 * session converted before, or a rate that is not a positive decimal.
 */
export function convertSessionCurrency(context: SandboxContext, stored: StoredCheckoutSession, conversion: SessionConversion): void {
  const session = stored.session;
  const target = conversion.presentmentCurrency.toLowerCase();
  const source = session.currency ?? 'usd';
  if (!isSupportedCurrency(target)) throw StripeApiError.invalidRequest(`Invalid presentmentCurrency: ${target}`, { param: 'presentmentCurrency' });
  if (target === source) throw StripeApiError.invalidRequest(`The session is already in ${target}`, { param: 'presentmentCurrency' });
  if (session.currency_conversion !== null) throw StripeApiError.invalidRequest('This Checkout Session was converted already.', { param: 'presentmentCurrency' });
  if (!/^\d{1,12}(\.\d{1,20})?$/.test(conversion.fxRate) || /^0*(\.0*)?$/.test(conversion.fxRate)) {
    throw StripeApiError.invalidRequest(`Invalid fxRate: ${conversion.fxRate}; a positive decimal like 0.92`, { param: 'fxRate' });
  }
  const convert = (amountMinor: number) => convertAmountMinor({ amountMinor, from: source, to: target, fxRate: conversion.fxRate });
  const amountTotal = session.amount_total ?? 0;
  const amountSubtotal = session.amount_subtotal ?? amountTotal;
  session.currency_conversion = {
    amount_subtotal: amountSubtotal,
    amount_total: amountTotal,
    fx_rate: conversion.fxRate as unknown as Stripe.Checkout.Session.CurrencyConversion['fx_rate'],
    source_currency: source,
  };
  session.adaptive_pricing = { enabled: true };
  session.currency = target;
  session.amount_subtotal = convert(amountSubtotal);
  session.amount_total = convert(amountTotal);
  const paymentIntentId = typeof session.payment_intent === 'string' ? session.payment_intent : null;
  const paymentIntent = paymentIntentId === null ? undefined : context.state.paymentIntents[paymentIntentId];
  if (paymentIntent !== undefined) {
    paymentIntent.amount = session.amount_total;
    paymentIntent.currency = target;
  }
  context.markChanged();
}

/** `amountMinor` of `from` in minor units of `to` at `fxRate`, exact (BigInt), rounded half up to `to`'s step. */
export function convertAmountMinor(options: { amountMinor: number; from: string; to: string; fxRate: string }): number {
  const [whole = '0', fraction = ''] = options.fxRate.split('.');
  const rateNumerator = BigInt(whole + fraction);
  const rateDenominator = 10n ** BigInt(fraction.length);
  const exponentShift = currencyDecimalDigits(options.to) - currencyDecimalDigits(options.from);
  const step = BigInt(amountStepMinor(options.to));
  let numerator = BigInt(options.amountMinor) * rateNumerator;
  let denominator = rateDenominator * step;
  if (exponentShift >= 0) numerator *= 10n ** BigInt(exponentShift);
  else denominator *= 10n ** BigInt(-exponentShift);
  return Number(((2n * numerator + denominator) / (2n * denominator)) * step);
}
