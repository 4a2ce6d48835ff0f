import { currentLocale } from './locale.ts';

/** An instant from the API (ISO 8601, UTC) in the user's locale and time zone, date and time. */
export function formatDateTime(isoInstant: string, locale: string = currentLocale()): string {
  return new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeStyle: 'short' }).format(new Date(isoInstant));
}

/** The day only, for chart axes and compact lists. */
export function formatDay(isoInstant: string, locale: string = currentLocale()): string {
  return new Intl.DateTimeFormat(locale, { month: 'short', day: 'numeric', timeZone: 'UTC' }).format(new Date(isoInstant));
}

/**
 * The instant a date input's day starts in the user's time zone, as the API's `DateTime`.
 * `dayOffset` 1 gives the start of the next day, which makes a "to" date inclusive
 * (the API's `to` is exclusive). Empty input: undefined, meaning no bound.
 */
export function startOfLocalDay(dateInputValue: string, dayOffset = 0): string | undefined {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(dateInputValue);
  if (!match) return undefined;
  const [, year, month, day] = match;
  return new Date(Number(year), Number(month) - 1, Number(day) + dayOffset).toISOString();
}

/**
 * The day an expiry falls on, in the user's time zone: "5 Jan" (en-GB) or "Jan 5" (en-US), with the
 * year when it is not the current one.
 */
export function formatExpiryDay(isoInstant: string, now: Date = new Date(), locale: string = currentLocale()): string {
  const instant = new Date(isoInstant);
  const sameYear = instant.getFullYear() === now.getFullYear();
  return new Intl.DateTimeFormat(locale, { day: 'numeric', month: 'short', ...(sameYear ? {} : { year: 'numeric' }) }).format(instant);
}
