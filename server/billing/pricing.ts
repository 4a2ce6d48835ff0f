import type { Config } from '../config.ts';
import { ConfigError } from '../config.ts';
import { errorCodes, TopupError } from '../errors.ts';
import { amountMinorMax, amountStepMinor, currencyExponent, minimumChargeMinor } from './currencies.ts';

/**
 * The one source of truth for what credits cost, per currency. The console shows these numbers, the checkout
 * charges them, and fulfillment checks payments against them.
 *
 * Rounding rule: amount in minor units = credits x CREDIT_PRICE x 10^exponent, rounded half up to
 * the nearest step the currency allows (one minor unit; ten for three-decimal currencies). Computed
 * with integers (BigInt), never floating point, so 0.014 x 71 is exactly 99.4 cents -> 99.
 */
export interface CurrencyPricing {
  currency: string;
  unitPrice: string;
  currencyExponent: number;
  packs: { credits: number; amountMinor: number }[];
  creditsMin: number;
  creditsMax: number;
  roundingRule: string;
  /** Amount in minor units for `credits`. Errors: BAD_USER_INPUT outside [creditsMin, creditsMax] or not a whole number. */
  quote(credits: number): number;
}

/**
 * The price list: one `CurrencyPricing` per offered currency (`CREDIT_PRICES`), the first the
 * default. A `Pricing` is also the default currency's pricing, so code that knows one currency
 * (legacy sessions, reconcile) reads it unchanged.
 */
export interface Pricing extends CurrencyPricing {
  /** The offered currencies, lower case, the default first. */
  currencies: string[];
  /**
   * The pricing of `currency` (either case), or the default currency's when it is null or undefined.
   * Errors: BAD_USER_INPUT for a currency that is not offered.
   */
  inCurrency(currency: string | null | undefined): CurrencyPricing;
  /** The pricing of an offered currency (either case), or null: for checks that must not throw. */
  findCurrency(currency: string | null | undefined): CurrencyPricing | null;
}

/** Each currency is priced and bounded on its own: its minimum charge gives its own `creditsMin`. */
export function createPricing(credits: Config['credits']): Pricing {
  const prices = credits.prices.length > 0 ? credits.prices : [{ currency: credits.currency, unitPrice: credits.unitPrice }];
  const byCurrency = new Map(prices.map((price) => [price.currency, createCurrencyPricing(credits, price)]));
  const defaultPricing = byCurrency.get(prices[0]!.currency)!;
  const currencies = [...byCurrency.keys()];
  const findCurrency = (currency: string | null | undefined): CurrencyPricing | null =>
    currency === null || currency === undefined ? defaultPricing : (byCurrency.get(currency.trim().toLowerCase()) ?? null);
  return {
    ...defaultPricing,
    currencies,
    findCurrency,
    inCurrency(currency) {
      const found = findCurrency(currency);
      if (found === null) {
        throw new TopupError(
          errorCodes.badUserInput,
          `currency must be one of ${currencies.map((code) => code.toUpperCase()).join(', ')}`,
          { currency: String(currency).slice(0, 16), currencies },
        );
      }
      return found;
    },
  };
}

function createCurrencyPricing(credits: Config['credits'], price: { currency: string; unitPrice: string }): CurrencyPricing {
  const { currency, unitPrice } = price;
  const exponent = currencyExponent(currency);
  const step = BigInt(amountStepMinor(currency));
  const [whole = '0', fraction = ''] = unitPrice.split('.');
  const priceNumerator = BigInt(whole + fraction);
  const priceDenominator = 10n ** BigInt(fraction.length);
  const amountOf = (creditCount: number): number => {
    // credits x price x 10^exponent, in units of `step`, rounded half up: floor((2n + d) / 2d).
    const numerator = BigInt(creditCount) * priceNumerator * 10n ** BigInt(exponent);
    const denominator = priceDenominator * step;
    const steps = (2n * numerator + denominator) / (2n * denominator);
    return Number(steps * step);
  };

  const minimumCharge = minimumChargeMinor(currency);
  const creditsMinForStripe = smallestCreditsReaching(minimumCharge, amountOf);
  const creditsMin = credits.creditsMinOverride ?? creditsMinForStripe;
  if (creditsMin < creditsMinForStripe) {
    throw new ConfigError(
      `TOPUP_CREDITS_MIN=${creditsMin} costs less than Stripe's minimum charge of ${minimumCharge} ${currency} minor units; it must be at least ${creditsMinForStripe} (at ${unitPrice} ${currency.toUpperCase()} a credit)`,
    );
  }
  const creditsMax = Math.min(credits.creditsMax, largestCreditsWithin(amountMinorMax, amountOf, credits.creditsMax));
  if (creditsMax < creditsMin) {
    throw new ConfigError(`TOPUP_CREDITS_MAX (${creditsMax}) is below the minimum purchase in ${currency.toUpperCase()} (${creditsMin})`);
  }
  for (const pack of credits.packs) {
    if (pack < creditsMin || pack > creditsMax) {
      throw new ConfigError(
        `CREDIT_PACKS: a pack of ${pack} credits is outside the purchase bounds ${creditsMin}..${creditsMax} in ${currency.toUpperCase()}`,
      );
    }
  }

  return {
    currency,
    unitPrice,
    currencyExponent: exponent,
    packs: credits.packs.map((pack) => ({ credits: pack, amountMinor: amountOf(pack) })),
    creditsMin,
    creditsMax,
    roundingRule:
      `credits x ${unitPrice} ${currency.toUpperCase()}, rounded half up to the nearest ` +
      (step === 1n ? (exponent === 0 ? 'whole unit' : 'minor unit') : `${step} minor units`),
    quote(creditCount: number): number {
      if (!Number.isSafeInteger(creditCount) || creditCount < creditsMin || creditCount > creditsMax) {
        throw new TopupError(
          errorCodes.badUserInput,
          `credits must be a whole number from ${creditsMin} to ${creditsMax}`,
          { credits: creditCount, creditsMin, creditsMax },
        );
      }
      return amountOf(creditCount);
    },
  };
}

/** Smallest credit count whose amount reaches `amountMinor` (amounts grow with credits: binary search). */
function smallestCreditsReaching(amountMinor: number, amountOf: (credits: number) => number): number {
  let low = 1;
  let high = Number.MAX_SAFE_INTEGER;
  while (low < high) {
    const middle = low + Math.floor((high - low) / 2);
    if (amountOf(middle) >= amountMinor) high = middle;
    else low = middle + 1;
  }
  return low;
}

/** Largest credit count (at most `ceiling`) whose amount stays within `amountMinor`. */
function largestCreditsWithin(amountMinor: number, amountOf: (credits: number) => number, ceiling: number): number {
  let low = 0;
  let high = ceiling;
  while (low < high) {
    const middle = low + Math.ceil((high - low) / 2);
    if (amountOf(middle) <= amountMinor) low = middle;
    else high = middle - 1;
  }
  return low;
}
