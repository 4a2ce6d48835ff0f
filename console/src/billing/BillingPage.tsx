import { useQuery } from '@apollo/client/react';
import { useState } from 'react';
import { ErrorNotice } from '../components/ErrorNotice.tsx';
import { PageHeading } from '../components/PageHeading.tsx';
import { formatUnitPrice } from '../format/formatMoney.ts';
import { PricingDocument } from '../generated/graphql.ts';
import { Link } from '../router/router.tsx';
import { BalanceCard } from './BalanceCard.tsx';
import { chooseCurrency, rememberCurrency, rememberedCurrency } from './chooseCurrency.ts';
import { CurrencyPicker } from './CurrencyPicker.tsx';
import { CustomAmountForm } from './CustomAmountForm.tsx';
import { LotsCard } from './LotsCard.tsx';
import { PackList } from './PackList.tsx';
import { useBuyCredits } from './useBuyCredits.ts';
import { MyAutoTopUp } from '../autoTopUp/MyAutoTopUp.tsx';

interface BillingPageProps {
  /** The user came back from checkout without paying. */
  checkoutCanceled?: boolean;
}

/** Balance, the packs and a custom amount, all priced by the server, the way to checkout, and the user's lots. */
export function BillingPage({ checkoutCanceled = false }: BillingPageProps) {
  // null until the user picks: the server's offered list, the remembered choice and the locale decide.
  const [picked, setPicked] = useState<string | null>(null);
  // cache-and-network: the packs' debt split follows the balance, which changes between visits.
  const offered = useQuery(PricingDocument, { fetchPolicy: 'cache-and-network' });
  const currency =
    picked ??
    chooseCurrency({ offered: offered.data?.currencies ?? [], remembered: rememberedCurrency(), locales: navigator.languages ?? [navigator.language] });
  const needsOtherCurrency = currency !== null && offered.data !== undefined && offered.data.pricing.currency !== currency;
  const inCurrency = useQuery(PricingDocument, { variables: { currency }, skip: !needsOtherCurrency, fetchPolicy: 'cache-and-network' });
  const { data, error, refetch } = needsOtherCurrency ? inCurrency : offered;
  const [saveCard, setSaveCard] = useState(false);
  const purchase = useBuyCredits(currency, saveCard);
  const pricing = data?.pricing;
  const choose = (next: string) => {
    rememberCurrency(next);
    setPicked(next);
  };

  return (
    <>
      <PageHeading title="Billing" />
      {checkoutCanceled && (
        <div className="notice" role="status">
          <p>Checkout was canceled. You were not charged.</p>
        </div>
      )}
      <MyAutoTopUp part="banner" />
      <div className="billing-layout">
        <BalanceCard />
        <section className="card buy-card" aria-labelledby="buy-heading">
          <h2 id="buy-heading">Buy credits</h2>
          {error && !pricing ? (
            <ErrorNotice error={error} onRetry={() => void refetch().catch(() => undefined)} />
          ) : (
            <>
              {offered.data && currency !== null && (
                <CurrencyPicker currencies={offered.data.currencies} currency={currency} onChange={choose} disabled={purchase.pendingCredits !== null} />
              )}
              <label className="save-card">
                <input type="checkbox" checked={saveCard} onChange={(event) => setSaveCard(event.target.checked)} /> Save this card for automatic top-ups
              </label>
              <PackList pricing={pricing} purchase={purchase} />
              <CustomAmountForm pricing={pricing} purchase={purchase} />
              {purchase.error != null && <ErrorNotice error={purchase.error} />}
              <p className="fine-print">
                {pricing ? (
                  <>
                    One credit costs {formatUnitPrice(pricing.unitPrice, pricing.currency)}; totals are computed as{' '}
                    {pricing.roundingRule.replace(/\.$/, '')}. Payment is handled by Stripe; you come back here when it is done.
                  </>
                ) : (
                  <span className="skeleton skeleton--text" aria-hidden="true" />
                )}
              </p>
            </>
          )}
        </section>
      </div>
      <MyAutoTopUp part="settings" />
      <LotsCard />
      <p className="billing-links">
        <Link to="/billing/payments">Your payments and receipts</Link>
      </p>
    </>
  );
}
