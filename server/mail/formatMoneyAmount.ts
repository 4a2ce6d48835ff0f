import { currencyExponent } from '../billing/currencies.ts';

/**
 * An amount in minor units as the user reads it in a mail, e.g. `{ amountMinor: 500, currency: 'eur' }`
 * -> "€5.00", `1500 jpy` -> "¥1,500": the currency's minor units are Stripe's (`currencyExponent`, the
 * same table pricing uses), the symbols and grouping Intl's in English.
 */
export function formatMoneyAmount(amountMinor: number, currency: string): string {
  const exponent = currencyExponent(currency.toLowerCase());
  return new Intl.NumberFormat('en-US', {
    style: 'currency',
    currency: currency.toUpperCase(),
    minimumFractionDigits: exponent,
    maximumFractionDigits: exponent,
  }).format(amountMinor / 10 ** exponent);
}
