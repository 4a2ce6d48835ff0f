import { currentLocale } from './locale.ts';

/** A credit amount with the locale's digit grouping: 2500 -> "2,500". */
export function formatCredits(credits: number, locale: string = currentLocale()): string {
  return new Intl.NumberFormat(locale, { maximumFractionDigits: 0 }).format(credits);
}

/** A signed change of the balance: always shows its sign, so +71 and -20 read as movements. */
export function formatCreditDelta(delta: number, locale: string = currentLocale()): string {
  return new Intl.NumberFormat(locale, { maximumFractionDigits: 0, signDisplay: 'exceptZero' }).format(delta);
}
