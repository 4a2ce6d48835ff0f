import { useQuery } from '@apollo/client/react';
import { EmptyState } from '../components/EmptyState.tsx';
import { ErrorNotice } from '../components/ErrorNotice.tsx';
import { LoadingRows } from '../components/LoadingRows.tsx';
import { formatCredits } from '../format/formatCredits.ts';
import { formatDateTime } from '../format/formatDate.ts';
import { MyLotsDocument } from '../generated/graphql.ts';
import { describeLot } from '../lots/describeLot.ts';

/**
 * The user's credits by lot, in the order they are used ("120 promotional credits expire on
 * 5 Jan"), and the credits that holds keep aside for usage in progress. The server decides the
 * order and what has expired; this only puts it in words.
 */
export function LotsCard() {
  const { data, error, refetch } = useQuery(MyLotsDocument, { fetchPolicy: 'cache-and-network' });
  const me = data?.me;
  return (
    <section className="card lots-card" aria-labelledby="lots-heading" aria-busy={!me && !error}>
      <h2 id="lots-heading">Your credits</h2>
      {error && !me ? (
        <ErrorNotice error={error} onRetry={() => void refetch().catch(() => undefined)} />
      ) : !me ? (
        <LoadingRows rows={2} label="Loading your credits…" />
      ) : (
        <>
          {me.heldCredits > 0 && (
            <p data-testid="held-credits">
              {formatCredits(me.availableCredits)} credits available; {formatCredits(me.heldCredits)} reserved for usage in progress.
            </p>
          )}
          {me.lots.length === 0 ? (
            <EmptyState title="No credits yet">
              <p>Credits you buy or receive are listed here, with when they expire.</p>
            </EmptyState>
          ) : (
            <>
              <p className="muted">Used in this order: credits that expire soonest first.</p>
              <ul className="lot-list" data-testid="lots">
                {me.lots.map((lot) => (
                  <li key={lot.id} title={lot.expiresAt ? `Expires ${formatDateTime(lot.expiresAt)}` : undefined}>
                    {describeLot(lot)}
                  </li>
                ))}
              </ul>
            </>
          )}
        </>
      )}
    </section>
  );
}
