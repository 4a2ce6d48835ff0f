import { useMutation, useQuery } from '@apollo/client/react';
import { useEffect, useId, useState, type FormEvent } from 'react';
import { ErrorNotice } from '../components/ErrorNotice.tsx';
import { formatCredits } from '../format/formatCredits.ts';
import { formatMoney } from '../format/formatMoney.ts';
import {
  AutoTopUpPricingDocument,
  PriceQuoteDocument,
  RemoveSavedCardDocument,
  SetAutoTopUpDocument,
  type AutoTopUpFieldsFragment,
} from '../generated/graphql.ts';
import { describeAutoTopUp, formatMajorAmount, parseMajorAmount } from './describeAutoTopUp.ts';

interface AutoTopUpCardProps {
  autoTopUp: AutoTopUpFieldsFragment;
  /** Admins change another user's settings; absent: the signed-in user's own. */
  userId?: string;
  onChanged?: () => void;
}

/**
 * Auto top-up settings: on/off, threshold, credits per top-up (priced by the server), the monthly
 * limit in the settings' currency, the saved card, this month's total and the state in words. The
 * console only reads and formats: the server prices, decides and charges.
 */
export function AutoTopUpCard({ autoTopUp, userId, onChanged }: AutoTopUpCardProps) {
  const formId = useId();
  const pricing = useQuery(AutoTopUpPricingDocument, { variables: { currency: autoTopUp.currency ?? null } });
  const exponent = pricing.data?.pricing.currencyExponent ?? 2;
  const currency = autoTopUp.currency ?? pricing.data?.pricing.currency ?? 'usd';
  const [enabled, setEnabled] = useState(autoTopUp.enabled);
  const [threshold, setThreshold] = useState(String(autoTopUp.thresholdCredits ?? 100));
  const [credits, setCredits] = useState(String(autoTopUp.credits ?? pricing.data?.pricing.creditsMin ?? 500));
  const [limit, setLimit] = useState(autoTopUp.monthlyLimitMinor === null || autoTopUp.monthlyLimitMinor === undefined ? '50' : formatMajorAmount(autoTopUp.monthlyLimitMinor, exponent));
  useEffect(() => setEnabled(autoTopUp.enabled), [autoTopUp.enabled]);
  const creditsNumber = /^\d{1,15}$/.test(credits.trim()) ? Number(credits.trim()) : null;
  const quote = useQuery(PriceQuoteDocument, { variables: { credits: creditsNumber ?? 0, currency }, skip: creditsNumber === null });
  const [save, saving] = useMutation(SetAutoTopUpDocument);
  const [remove, removing] = useMutation(RemoveSavedCardDocument);
  const [problem, setProblem] = useState<string | null>(null);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const thresholdCredits = /^\d{1,15}$/.test(threshold.trim()) ? Number(threshold.trim()) : null;
    const monthlyLimitMinor = parseMajorAmount(limit, exponent);
    if (thresholdCredits === null || creditsNumber === null || monthlyLimitMinor === null) {
      setProblem('Enter whole credits for the threshold and the top-up, and an amount for the monthly limit.');
      return;
    }
    setProblem(null);
    await save({ variables: { input: { ...(userId ? { userId } : {}), enabled, thresholdCredits, credits: creditsNumber, monthlyLimitMinor, currency } } }).catch(() => undefined);
    onChanged?.();
  };

  const money = (amountMinor: number) => formatMoney({ amountMinor, currency, currencyExponent: exponent });
  const card = autoTopUp.paymentMethod;
  return (
    <section className="card auto-top-up" aria-labelledby={`${formId}-heading`}>
      <h2 id={`${formId}-heading`}>Automatic top-up</h2>
      <p role="status" data-testid="auto-top-up-state">
        {describeAutoTopUp(autoTopUp)}
      </p>
      <dl className="summary-list">
        <dt>Card</dt>
        <dd data-testid="auto-top-up-card">{card ? `${card.brand.toUpperCase()} ending in ${card.last4}` : 'None saved'}</dd>
        <dt>This month</dt>
        <dd data-testid="auto-top-up-month">
          {money(autoTopUp.spentThisMonthMinor)}
          {autoTopUp.monthlyLimitMinor !== null && autoTopUp.monthlyLimitMinor !== undefined ? ` of ${money(autoTopUp.monthlyLimitMinor)}` : ''}
        </dd>
      </dl>
      <form onSubmit={(event) => void submit(event)} noValidate>
        <div className="field">
          <label>
            <input type="checkbox" checked={enabled} onChange={(event) => setEnabled(event.target.checked)} disabled={!card && !enabled} /> Top up automatically
          </label>
        </div>
        <div className="field">
          <label htmlFor={`${formId}-threshold`}>When available credits fall below</label>
          <input id={`${formId}-threshold`} inputMode="numeric" value={threshold} onChange={(event) => setThreshold(event.target.value)} />
        </div>
        <div className="field">
          <label htmlFor={`${formId}-credits`}>Credits to buy</label>
          <input id={`${formId}-credits`} inputMode="numeric" value={credits} onChange={(event) => setCredits(event.target.value)} />
          <p className="field__hint" data-testid="auto-top-up-price">
            {quote.data ? `${formatCredits(quote.data.priceQuote.credits)} credits cost ${money(quote.data.priceQuote.amountMinor)}` : quote.error ? 'Outside the purchase bounds' : '\u00a0'}
          </p>
        </div>
        <div className="field">
          <label htmlFor={`${formId}-limit`}>Monthly limit ({currency.toUpperCase()})</label>
          <input id={`${formId}-limit`} inputMode="decimal" value={limit} onChange={(event) => setLimit(event.target.value)} />
        </div>
        {problem && <p className="field__error">{problem}</p>}
        {saving.error && <ErrorNotice error={saving.error} />}
        <button type="submit" className="button button--primary" disabled={saving.loading}>
          Save automatic top-up
        </button>
      </form>
      {card && (
        <p>
          <button
            type="button"
            className="button"
            disabled={removing.loading}
            onClick={() => void remove({ variables: { userId: userId ?? null } }).then(() => onChanged?.()).catch(() => undefined)}
          >
            Remove saved card
          </button>
        </p>
      )}
      {removing.error && <ErrorNotice error={removing.error} />}
    </section>
  );
}
