/**
 * The locale every number, amount and date in the console is formatted for: the browser's own.
 * Tests pin it through `navigator.language` (jsdom answers `en-US`).
 */
export function currentLocale(): string {
  return typeof navigator !== 'undefined' && navigator.language ? navigator.language : 'en-US';
}
