/**
 * Stripe's per-currency rules the sandbox enforces: which currencies it accepts, the minimum
 * amount of a charge (https://docs.stripe.com/currencies#minimum-and-maximum-charge-amounts),
 * and how many decimals a currency's minor unit has
 * (https://docs.stripe.com/currencies#zero-decimal).
 */

/** Minimum charge in minor units, per settlement currency Stripe documents. */
const minimumChargeAmountsMinor: Readonly<Record<string, number>> = {
  usd: 50,
  aed: 200,
  aud: 50,
  bgn: 100,
  brl: 50,
  cad: 50,
  chf: 50,
  czk: 1500,
  dkk: 250,
  eur: 50,
  gbp: 30,
  hkd: 400,
  huf: 17500,
  inr: 50,
  jpy: 50,
  mxn: 1000,
  myr: 200,
  nok: 300,
  nzd: 50,
  pln: 200,
  ron: 200,
  sek: 300,
  sgd: 50,
  thb: 1000,
};

const zeroDecimalCurrencies: ReadonlySet<string> = new Set([
  'bif', 'clp', 'djf', 'gnf', 'jpy', 'kmf', 'krw', 'mga', 'pyg', 'rwf', 'ugx', 'vnd', 'vuv', 'xaf', 'xof', 'xpf',
]);

const threeDecimalCurrencies: ReadonlySet<string> = new Set(['bhd', 'jod', 'kwd', 'omr', 'tnd']);

/**
 * Stripe's largest single charge is eight digits of minor units ($999,999.99 in USD); the
 * sandbox applies that bound to every currency.
 */
export const chargeAmountMaxMinor = 99_999_999;

/**
 * The lowercase ISO codes the sandbox accepts: the settlement currencies above plus the
 * presentment currencies Stripe charges in (KWD, BHD, ...), whose minimum Stripe converts from the
 * settlement currency's; offline, the sandbox uses 50 minor units (500 for three-decimal ones).
 */
const presentmentOnlyCurrencies: ReadonlySet<string> = new Set([
  ...zeroDecimalCurrencies, ...threeDecimalCurrencies, 'cny', 'idr', 'ils', 'isk', 'krw', 'php', 'sar', 'try', 'twd', 'zar',
]);

export function isSupportedCurrency(currency: string): boolean {
  return Object.hasOwn(minimumChargeAmountsMinor, currency) || presentmentOnlyCurrencies.has(currency);
}

export function minimumChargeAmountMinor(currency: string): number {
  const amount = minimumChargeAmountsMinor[currency];
  if (amount !== undefined) return amount;
  if (!isSupportedCurrency(currency)) throw new Error(`minimumChargeAmountMinor: unsupported currency ${currency}`);
  return threeDecimalCurrencies.has(currency) ? 500 : 50;
}

/** Stripe requires three-decimal amounts to be multiples of 10 (the last digit 0). */
export function amountStepMinor(currency: string): number {
  return threeDecimalCurrencies.has(currency) ? 10 : 1;
}

export function currencyDecimalDigits(currency: string): number {
  if (zeroDecimalCurrencies.has(currency)) return 0;
  if (threeDecimalCurrencies.has(currency)) return 3;
  return 2;
}

/** `5000, 'usd'` -> `$50.00`; `50, 'jpy'` -> `¥50`. */
export function formatAmountMinor(amountMinor: number, currency: string): string {
  const digits = currencyDecimalDigits(currency);
  return new Intl.NumberFormat('en-US', {
    style: 'currency',
    currency: currency.toUpperCase(),
    minimumFractionDigits: digits,
    maximumFractionDigits: digits,
  }).format(amountMinor / 10 ** digits);
}
