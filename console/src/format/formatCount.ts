import { currentLocale } from './locale.ts';

/** A count of things (entries, users) with the locale's digit grouping. */
export function formatCount(count: number, locale: string = currentLocale()): string {
  return new Intl.NumberFormat(locale, { maximumFractionDigits: 0 }).format(count);
}

/** "1 entry", "3 entries": a count with the right form of its noun (English plural rules). */
export function formatCountOf(count: number, noun: { one: string; other: string }, locale: string = currentLocale()): string {
  return `${formatCount(count, locale)} ${count === 1 ? noun.one : noun.other}`;
}
