import { useQuery } from '@apollo/client/react';
import { ErrorNotice } from '../components/ErrorNotice.tsx';
import { formatCredits } from '../format/formatCredits.ts';
import { formatDateTime } from '../format/formatDate.ts';
import { MeDocument } from '../generated/graphql.ts';

/** The balance, and the debt when a refund or dispute took back credits that were already used. */
export function BalanceCard() {
  const { data, error, refetch } = useQuery(MeDocument);
  const me = data?.me;
  return (
    <section className="card balance-card" aria-labelledby="balance-heading" aria-busy={!me && !error}>
      <h2 id="balance-heading">Balance</h2>
      {error && !me ? (
        <ErrorNotice error={error} onRetry={() => void refetch().catch(() => undefined)} />
      ) : (
        <>
          <p className={me && me.credits < 0 ? 'balance balance--debt' : 'balance'} data-testid="balance">
            {me ? `${formatCredits(me.credits)} credits` : <span className="skeleton skeleton--balance" aria-label="Loading balance" />}
          </p>
          {me && me.debt > 0 && (
            <p className="debt-note" data-testid="debt">
              You owe {formatCredits(me.debt)} credits. A refund or dispute took back credits that had already been used; credits
              you buy cover this first.
            </p>
          )}
          <p className="muted">{me?.lastCreditUpdate ? `Last change ${formatDateTime(me.lastCreditUpdate)}` : me ? 'No changes yet' : '\u00a0'}</p>
        </>
      )}
    </section>
  );
}
