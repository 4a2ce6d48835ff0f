import { useId, useState } from 'react';
import type { FormEvent } from 'react';
import { skipToken, useQuery } from '@apollo/client/react';
import { formatCredits } from '../format/formatCredits.ts';
import { formatMoney } from '../format/formatMoney.ts';
import { describeError } from '../errors/describeError.ts';
import type { PricingQuery } from '../generated/graphql.ts';
import { PriceQuoteDocument } from '../generated/graphql.ts';
import { useDebouncedValue } from '../hooks/useDebouncedValue.ts';
import { parseCredits } from './parseCredits.ts';
import { DebtSplit } from './DebtSplit.tsx';
import type { BuyCredits } from './useBuyCredits.ts';

interface CustomAmountFormProps {
  pricing: PricingQuery['pricing'] | undefined;
  purchase: BuyCredits;
}

const quoteDelayMilliseconds = 300;

/**
 * Any amount between the server's bounds, checked as the user types; the total is the server's
 * `priceQuote`, asked for once typing pauses. Buying is possible only once the total shown is the
 * total for the amount in the field.
 */
export function CustomAmountForm({ pricing, purchase }: CustomAmountFormProps) {
  const [text, setText] = useState('');
  const inputId = useId();
  const hintId = useId();
  const messageId = useId();
  const bounds = pricing ?? { creditsMin: 1, creditsMax: Number.MAX_SAFE_INTEGER };
  const parsed = parseCredits(text, bounds);
  const credits = parsed.state === 'valid' ? parsed.credits : null;
  const debouncedCredits = useDebouncedValue(credits, quoteDelayMilliseconds);
  const quoteCredits = pricing && debouncedCredits !== null && debouncedCredits === credits ? debouncedCredits : null;
  const quote = useQuery(
    PriceQuoteDocument,
    // cache-and-network: the quote's debt split follows the balance, which changes between visits.
    quoteCredits === null ? skipToken : { variables: { credits: quoteCredits, currency: pricing?.currency ?? null }, fetchPolicy: 'cache-and-network' },
  );
  const quoted = quote.data?.priceQuote;
  const currentQuote = quoted && quoted.credits === credits && quoted.currency === pricing?.currency ? quoted : undefined;
  const busy = purchase.pendingCredits !== null;

  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (currentQuote && !busy) void purchase.buy(currentQuote.credits);
  };

  let total: string;
  if (parsed.state !== 'valid') total = '—';
  else if (currentQuote) {
    total = formatMoney({ amountMinor: currentQuote.amountMinor, currency: currentQuote.currency, currencyExponent: pricing?.currencyExponent });
  } else if (quote.error && quoteCredits !== null) total = describeError(quote.error);
  else total = 'Calculating…';

  return (
    <form className="custom-amount" onSubmit={submit} noValidate>
      <h3>Custom amount</h3>
      <div className="field">
        <label htmlFor={inputId}>Credits</label>
        <input
          id={inputId}
          inputMode="numeric"
          autoComplete="off"
          value={text}
          onChange={(event) => setText(event.target.value)}
          aria-invalid={parsed.state === 'invalid'}
          aria-describedby={`${hintId} ${messageId}`}
          disabled={!pricing}
        />
        <p className="field__hint" id={hintId}>
          {pricing ? `Between ${formatCredits(pricing.creditsMin)} and ${formatCredits(pricing.creditsMax)} credits.` : '\u00a0'}
        </p>
        <p className="field__error" id={messageId} aria-live="polite">
          {parsed.state === 'invalid' ? parsed.message : ''}
        </p>
      </div>
      <p className="custom-amount__total" aria-live="polite" data-testid="custom-total">
        Total: <strong>{total}</strong>
      </p>
      {currentQuote && <DebtSplit credits={currentQuote.credits} debtRepaid={currentQuote.debtRepaid} creditsAdded={currentQuote.creditsAdded} />}
      <button type="submit" className="button button--primary" disabled={!currentQuote || busy} aria-busy={purchase.pendingCredits === credits && busy}>
        {busy && purchase.pendingCredits === credits
          ? 'Redirecting…'
          : credits !== null
            ? `Buy ${formatCredits(credits)} credits`
            : 'Buy credits'}
      </button>
    </form>
  );
}
