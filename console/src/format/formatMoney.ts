import { currentLocale } from './locale.ts';

export interface MoneyAmount {
  /** Integer amount in minor units of `currency` (cents for USD), as the server computed it. */
  amountMinor: number;
  /** ISO 4217 code; the server sends it lower case. */
  currency: string;
  /**
   * Digits after the decimal point, from `pricing.currencyExponent` when known. Otherwise the
   * currency's standard digits from `Intl`, which agree with ISO 4217 (2 for USD, 0 for JPY).
   */
  currencyExponent?: number | null;
}

/**
 * Formats an amount the server computed, e.g. `{ amountMinor: 71, currency: 'usd' }` -> "$0.71".
 * Only formatting happens here: the console never computes a price.
 */
export function formatMoney(money: MoneyAmount, locale: string = currentLocale()): string {
  const currency = money.currency.toUpperCase();
  const exponent = money.currencyExponent ?? standardCurrencyExponent(currency, locale);
  const formatter = new Intl.NumberFormat(locale, {
    style: 'currency',
    currency,
    minimumFractionDigits: exponent,
    maximumFractionDigits: exponent,
  });
  return formatter.format(money.amountMinor / 10 ** exponent);
}

/** Digits after the decimal point that `Intl` uses for a currency (2 for USD, 0 for JPY, 3 for KWD). */
export function standardCurrencyExponent(currency: string, locale: string = currentLocale()): number {
  return new Intl.NumberFormat(locale, { style: 'currency', currency: currency.toUpperCase() }).resolvedOptions()
    .maximumFractionDigits ?? 2;
}

/**
 * The configured price of one credit ("0.014" USD -> "$0.014"), with every digit the configuration
 * has: it may be finer than the currency's smallest unit, which is why totals come from the server.
 */
export function formatUnitPrice(unitPrice: string, currency: string, locale: string = currentLocale()): string {
  const decimals = unitPrice.split('.')[1]?.length ?? 0;
  const standard = standardCurrencyExponent(currency, locale);
  return new Intl.NumberFormat(locale, {
    style: 'currency',
    currency: currency.toUpperCase(),
    minimumFractionDigits: Math.min(standard, 20),
    maximumFractionDigits: Math.min(Math.max(decimals, standard), 20),
  }).format(Number(unitPrice));
}
