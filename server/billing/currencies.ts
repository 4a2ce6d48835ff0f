/**
 * What Stripe says about currencies, as far as pricing needs it. Sources: Stripe's docs "Supported
 * currencies" (zero-decimal and three-decimal currencies) and "Minimum and maximum charge amounts".
 */

/** Charged in whole units: 50 JPY is `amount: 50`. */
export const zeroDecimalCurrencies: ReadonlySet<string> = new Set([
  'bif', 'clp', 'djf', 'gnf', 'jpy', 'kmf', 'krw', 'mga', 'pyg', 'rwf', 'ugx', 'vnd', 'vuv', 'xaf', 'xof', 'xpf',
]);

/** Three minor digits, and Stripe requires the last one to be 0 (amounts divisible by 10). */
export const threeDecimalCurrencies: ReadonlySet<string> = new Set(['bhd', 'jod', 'kwd', 'omr', 'tnd']);

/** Stripe's minimum charge per currency, in minor units. */
export const minimumChargeMinorByCurrency: Readonly<Record<string, number>> = {
  usd: 50, aed: 200, aud: 50, bgn: 100, brl: 50, cad: 50, chf: 50, czk: 1500, dkk: 250, eur: 50,
  gbp: 30, hkd: 400, huf: 17500, inr: 50, jpy: 50, mxn: 1000, myr: 200, nok: 300, nzd: 50, pln: 200,
  ron: 200, sek: 300, sgd: 50, thb: 1000,
};

/** Stripe's largest amount for one charge is eight digits in minor units. */
export const amountMinorMax = 99_999_999;

export function currencyExponent(currency: string): number {
  if (zeroDecimalCurrencies.has(currency)) return 0;
  if (threeDecimalCurrencies.has(currency)) return 3;
  return 2;
}

/** Amounts must be multiples of this in minor units (10 for three-decimal currencies). */
export function amountStepMinor(currency: string): number {
  return threeDecimalCurrencies.has(currency) ? 10 : 1;
}

/**
 * Stripe's minimum for the currency. For a currency missing from the table, the equivalent of
 * USD 0.50 is not knowable offline, so the bound is 50 minor units (100 for three-decimal
 * currencies' rounding step): set TOPUP_CREDITS_MIN to Stripe's published minimum instead.
 */
export function minimumChargeMinor(currency: string): number {
  return minimumChargeMinorByCurrency[currency] ?? (currencyExponent(currency) === 3 ? 500 : 50);
}
