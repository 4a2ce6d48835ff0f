/**
 * The price list of credits: `CREDIT_PRICES` (`usd:0.01,eur:0.0095,jpy:1.5`, the first is the
 * default), or the one-currency form `CREDIT_PRICE` + `CREDIT_CURRENCY`. Parsed once at boot by
 * `server/config.ts`; `createPricing` then derives each currency's amounts and bounds (and refuses
 * a price whose packs fall outside that currency's bounds).
 *
 * It lives in billing, not in config.ts, because what a "known currency" is belongs to pricing;
 * it reports problems with the error type config.ts's callers expect, naming the variable.
 */

/** One currency's price of one credit. */
export interface CreditPrice {
  /** ISO 4217 code, lower case. */
  currency: string;
  /** Major units of `currency`, as a decimal string (`0.0095`, `1.5`). */
  unitPrice: string;
}

/** The raw environment values this reads (already trimmed; undefined when unset or empty). */
export interface CreditPriceVariables {
  creditPrices: string | undefined;
  creditPrice: string | undefined;
  creditCurrency: string | undefined;
}

/** Most currencies a price list may hold: every one is priced at boot and offered in the console. */
export const creditPricesCountMax = 50;

/**
 * Throws `makeError(message)` (config.ts passes its ConfigError) on: CREDIT_PRICES together with
 * CREDIT_PRICE or CREDIT_CURRENCY, an entry that is not `code:price`, a code that is not an ISO
 * 4217 currency, a price that is not a positive decimal, a currency listed twice, or more than
 * `creditPricesCountMax` entries.
 */
export function parseCreditPrices(variables: CreditPriceVariables, makeError: (message: string) => Error): CreditPrice[] {
  if (variables.creditPrices === undefined) {
    return [
      {
        currency: parseCurrencyCode(variables.creditCurrency ?? 'usd', 'CREDIT_CURRENCY', makeError),
        unitPrice: parseUnitPrice(variables.creditPrice ?? '0.01', 'CREDIT_PRICE', makeError),
      },
    ];
  }
  const alsoSet = [
    variables.creditPrice === undefined ? null : 'CREDIT_PRICE',
    variables.creditCurrency === undefined ? null : 'CREDIT_CURRENCY',
  ].filter((name) => name !== null);
  if (alsoSet.length > 0) {
    throw makeError(
      `CREDIT_PRICES and ${alsoSet.join(' and ')} are both set: use CREDIT_PRICES alone (its first currency is the default), or the one-currency CREDIT_PRICE + CREDIT_CURRENCY`,
    );
  }
  const entries = variables.creditPrices.split(',').map((entry) => entry.trim()).filter((entry) => entry !== '');
  if (entries.length === 0) throw makeError('CREDIT_PRICES must list at least one currency, like usd:0.01,eur:0.0095');
  if (entries.length > creditPricesCountMax) throw makeError(`CREDIT_PRICES lists at most ${creditPricesCountMax} currencies, got ${entries.length}`);
  const prices = entries.map((entry) => parseEntry(entry, makeError));
  const seen = new Set<string>();
  for (const { currency } of prices) {
    if (seen.has(currency)) throw makeError(`CREDIT_PRICES lists ${currency.toUpperCase()} twice`);
    seen.add(currency);
  }
  return prices;
}

function parseEntry(entry: string, makeError: (message: string) => Error): CreditPrice {
  const match = /^([^:\s]+)\s*:\s*(\S+)$/.exec(entry);
  if (match === null) throw makeError(`CREDIT_PRICES entries are currency:price, like eur:0.0095, got "${entry}"`);
  return {
    currency: parseCurrencyCode(match[1]!, 'CREDIT_PRICES', makeError),
    unitPrice: parseUnitPrice(match[2]!, 'CREDIT_PRICES', makeError),
  };
}

/** ISO 4217 codes the runtime knows (Intl's list: active currencies, no XXX/XTS test codes). */
const isoCurrencyCodes: ReadonlySet<string> = new Set(Intl.supportedValuesOf('currency').map((code) => code.toLowerCase()));

function parseCurrencyCode(value: string, name: string, makeError: (message: string) => Error): string {
  const code = value.toLowerCase();
  if (!/^[a-z]{3}$/.test(code) || !isoCurrencyCodes.has(code)) {
    throw makeError(`${name}: "${value}" is not an ISO 4217 currency code (like usd, eur, jpy)`);
  }
  return code;
}

function parseUnitPrice(value: string, name: string, makeError: (message: string) => Error): string {
  if (!/^\d{1,12}(\.\d{1,12})?$/.test(value) || /^0*(\.0*)?$/.test(value)) {
    throw makeError(`${name}: a price must be a positive decimal like 0.01, got "${value}"`);
  }
  return value;
}
