import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  currencyExponent,
  minimumChargeMinorByCurrency,
  threeDecimalCurrencies,
  zeroDecimalCurrencies,
} from '../../server/billing/currencies.ts';
import { createTestStorage, storageKindsUnderTest, type TestStorage } from '../support/testStorage.ts';

/** Every currency server/billing/currencies.ts names, plus one it does not (the two-decimal default). */
const currencies = [...new Set([...zeroDecimalCurrencies, ...threeDecimalCurrencies, ...Object.keys(minimumChargeMinorByCurrency), 'xyz'])].sort();

/** What a refund line must say: the amount with the currency's decimals, e.g. 40 -> "0.40 USD". */
function expectedMoney(amountMinor: number, currency: string): string {
  const exponent = currencyExponent(currency);
  const major = exponent === 0 ? String(amountMinor) : (amountMinor / 10 ** exponent).toFixed(exponent);
  return `${major} ${currency.toUpperCase()}`;
}

describe.each(storageKindsUnderTest())('format_money in SQL on %s', (kind) => {
  let test: TestStorage;
  beforeAll(async () => {
    test = await createTestStorage(kind);
  });
  afterAll(async () => {
    await test?.close();
  });

  it('agrees with currencyExponent for every currency of currencies.ts', async () => {
    // Proves the SQL exponent table is the TypeScript one: currency_exponent and format_money for each currency, at 0, 40, 1230 and 99999999 minor units.
    expect(currencies.length).toBeGreaterThan(40);
    for (const currency of currencies) {
      const rows = await test.database.query<{ exponent: number; zero: string; forty: string; kwd: string; largest: string }>(
        `select currency_exponent($1) as exponent, format_money(0, $1) as zero, format_money(40, $1) as forty,
                format_money(1230, $1) as kwd, format_money(99999999, $1) as largest`,
        [currency],
      );
      expect({ currency, ...rows[0] }).toEqual({
        currency,
        exponent: currencyExponent(currency),
        zero: expectedMoney(0, currency),
        forty: expectedMoney(40, currency),
        kwd: expectedMoney(1230, currency),
        largest: expectedMoney(99_999_999, currency),
      });
    }
  });
});
