import { readStoredValue } from '../storage/readStoredValue.ts';

/**
 * Which of the offered currencies the billing page starts with: the user's remembered choice, else
 * the one of the browser's locale region, else the server's default (the first offered). Only
 * offered currencies are ever chosen; the prices themselves always come from the server.
 */
const storageKey = 'topup.currency';

/** Region (ISO 3166) to currency, for the regions whose currency is commonly offered. */
const currencyByRegion: Readonly<Record<string, string>> = {
  US: 'usd', GB: 'gbp', JP: 'jpy', CA: 'cad', AU: 'aud', NZ: 'nzd', CH: 'chf', SE: 'sek', NO: 'nok', DK: 'dkk',
  PL: 'pln', CZ: 'czk', HU: 'huf', RO: 'ron', BG: 'bgn', IN: 'inr', SG: 'sgd', HK: 'hkd', MX: 'mxn', BR: 'brl',
  KR: 'krw', KW: 'kwd', BH: 'bhd', JO: 'jod', OM: 'omr', TN: 'tnd', AE: 'aed', MY: 'myr', TH: 'thb',
  // The euro area.
  AT: 'eur', BE: 'eur', CY: 'eur', DE: 'eur', EE: 'eur', ES: 'eur', FI: 'eur', FR: 'eur', GR: 'eur', HR: 'eur',
  IE: 'eur', IT: 'eur', LT: 'eur', LU: 'eur', LV: 'eur', MT: 'eur', NL: 'eur', PT: 'eur', SI: 'eur', SK: 'eur',
};

/** `de-DE` -> `eur`, `ja` -> `jpy` (a bare `ja` means Japan), `en-US` -> `usd`; null when unknown. */
export function currencyOfLocale(locale: string): string | null {
  let region: string | undefined;
  try {
    region = new Intl.Locale(locale).maximize().region;
  } catch {
    return null;
  }
  return region === undefined ? null : (currencyByRegion[region] ?? null);
}

export function chooseCurrency(options: { offered: string[]; remembered: string | null; locales: readonly string[] }): string | null {
  const { offered } = options;
  if (offered.length === 0) return null;
  if (options.remembered !== null && offered.includes(options.remembered)) return options.remembered;
  for (const locale of options.locales) {
    const currency = currencyOfLocale(locale);
    if (currency !== null && offered.includes(currency)) return currency;
  }
  return offered[0]!;
}

export function rememberedCurrency(): string | null {
  return readStoredValue(storageKey);
}

export function rememberCurrency(currency: string): void {
  try {
    window.localStorage.setItem(storageKey, currency);
  } catch {
    // Private mode without storage: the choice lasts for this page only.
  }
}
