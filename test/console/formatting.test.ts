/**
 * Proves the console's pure helpers: money formatting from server-computed minor units in any
 * currency exponent, credit parsing against the server's bounds, date bounds for filters, and the
 * mapping of API error codes to plain words (no code ever reaches the screen).
 */
import { CombinedGraphQLErrors, ServerError } from '@apollo/client/errors';
import { describe, expect, it } from 'vitest';
import { parseCredits } from '../../console/src/billing/parseCredits.ts';
import { describeError, errorMessages } from '../../console/src/errors/describeError.ts';
import { formatCreditDelta, formatCredits } from '../../console/src/format/formatCredits.ts';
import { startOfLocalDay } from '../../console/src/format/formatDate.ts';
import { formatMoney, formatUnitPrice } from '../../console/src/format/formatMoney.ts';

const graphQLError = (code: string, message = 'internal words') =>
  new CombinedGraphQLErrors({ data: null, errors: [{ message, extensions: { code } }] });

describe('formatMoney', () => {
  it('divides minor units by 10^exponent and formats for the locale', () => {
    expect(formatMoney({ amountMinor: 71, currency: 'usd', currencyExponent: 2 }, 'en-US')).toBe('$0.71');
    expect(formatMoney({ amountMinor: 250000, currency: 'usd' }, 'en-US')).toBe('$2,500.00');
    expect(formatMoney({ amountMinor: 500, currency: 'eur' }, 'de-DE')).toBe('5,00\u00a0€');
    expect(formatMoney({ amountMinor: 71, currency: 'jpy' }, 'en-US')).toBe('¥71');
    expect(formatMoney({ amountMinor: 1234, currency: 'kwd' }, 'en-US')).toBe('KWD\u00a01.234');
  });

  it('shows a configured unit price with its sub-cent digits', () => {
    expect(formatUnitPrice('0.014', 'usd', 'en-US')).toBe('$0.014');
    expect(formatUnitPrice('0.01', 'usd', 'en-US')).toBe('$0.01');
  });

  it('formats credits and signed changes', () => {
    expect(formatCredits(1000000, 'en-US')).toBe('1,000,000');
    expect(formatCreditDelta(71, 'en-US')).toBe('+71');
    expect(formatCreditDelta(-20, 'en-US')).toBe('-20');
  });
});

describe('parseCredits', () => {
  const bounds = { creditsMin: 50, creditsMax: 1_000_000 };
  it('accepts whole numbers within the bounds, with or without grouping', () => {
    expect(parseCredits('71', bounds)).toEqual({ state: 'valid', credits: 71 });
    expect(parseCredits(' 2,500 ', bounds)).toEqual({ state: 'valid', credits: 2500 });
    expect(parseCredits('1.000', bounds)).toEqual({ state: 'valid', credits: 1000 });
    expect(parseCredits('', bounds)).toEqual({ state: 'empty' });
  });

  it('refuses fractions, words and amounts outside the bounds with a sentence', () => {
    expect(parseCredits('7.5', bounds)).toEqual({ state: 'invalid', message: 'Enter a whole number of credits.' });
    expect(parseCredits('-5', bounds)).toEqual({ state: 'invalid', message: 'Enter a whole number of credits.' });
    expect(parseCredits('49', bounds)).toEqual({ state: 'invalid', message: 'The smallest purchase is 50 credits.' });
    expect(parseCredits('1000001', bounds)).toEqual({ state: 'invalid', message: 'The largest purchase is 1,000,000 credits.' });
    expect(parseCredits('99999999999999999999', bounds).state).toBe('invalid');
  });
});

describe('startOfLocalDay', () => {
  it('gives the local midnight, or the next one for an inclusive end', () => {
    expect(startOfLocalDay('2026-11-24')).toBe(new Date(2026, 10, 24).toISOString());
    expect(startOfLocalDay('2026-11-30', 1)).toBe(new Date(2026, 11, 1).toISOString());
    expect(startOfLocalDay('')).toBeUndefined();
  });
});

describe('describeError', () => {
  it('maps every API code to words', () => {
    expect(describeError(graphQLError('INSUFFICIENT_CREDITS'))).toBe('Not enough credits');
    expect(describeError(graphQLError('STRIPE_UNAVAILABLE'))).toBe('Payments are temporarily unavailable, try again in a minute');
    for (const [code, words] of Object.entries(errorMessages)) {
      if (code === 'BAD_USER_INPUT') continue;
      expect(describeError(graphQLError(code))).toBe(words);
    }
  });

  it("keeps the server's own sentence for bad input, and hides everything else", () => {
    expect(describeError(graphQLError('BAD_USER_INPUT', 'Credits must be between 50 and 1,000,000.'))).toBe('Credits must be between 50 and 1,000,000.');
    expect(describeError(graphQLError('INTERNAL_SERVER_ERROR', 'SQL syntax error at "ledger"'))).toBe('Something went wrong on our side. Please try again.');
    expect(describeError(new TypeError('Failed to fetch'))).toBe('We cannot reach the server. Check your connection and try again.');
    const unauthorized = new ServerError('Unauthorized', { response: new Response('', { status: 401 }), bodyText: '' });
    expect(describeError(unauthorized)).toBe(errorMessages.UNAUTHENTICATED);
  });
});
