import { formatCredits } from '../format/formatCredits.ts';
import { formatMoney } from '../format/formatMoney.ts';
import type { PricingQuery } from '../generated/graphql.ts';
import { DebtSplit } from './DebtSplit.tsx';
import type { BuyCredits } from './useBuyCredits.ts';

interface PackListProps {
  /** Undefined while loading: placeholders of the same size keep the layout still. */
  pricing: PricingQuery['pricing'] | undefined;
  purchase: BuyCredits;
}

/** The preset packs (500, 1000, 2500 by default) with the server's price for each. */
export function PackList({ pricing, purchase }: PackListProps) {
  if (!pricing) {
    return (
      <ul className="pack-list" aria-busy="true" aria-label="Loading packs">
        {[0, 1, 2].map((index) => (
          <li key={index} className="pack pack--placeholder" aria-hidden="true" />
        ))}
      </ul>
    );
  }
  const busy = purchase.pendingCredits !== null;
  return (
    <ul className="pack-list">
      {pricing.packs.map((pack) => {
        const price = formatMoney({ amountMinor: pack.amountMinor, currency: pricing.currency, currencyExponent: pricing.currencyExponent });
        const pending = purchase.pendingCredits === pack.credits;
        return (
          <li key={pack.credits} className="pack">
            <p className="pack__credits">
              {formatCredits(pack.credits)} <span className="pack__unit">credits</span>
            </p>
            <p className="pack__price">{price}</p>
            <DebtSplit credits={pack.credits} debtRepaid={pack.debtRepaid} creditsAdded={pack.creditsAdded} />
            <button
              type="button"
              className="button button--primary"
              disabled={busy}
              aria-busy={pending}
              aria-label={`Buy ${formatCredits(pack.credits)} credits for ${price}`}
              onClick={() => void purchase.buy(pack.credits)}
            >
              {pending ? 'Redirecting…' : 'Buy'}
            </button>
          </li>
        );
      })}
    </ul>
  );
}
