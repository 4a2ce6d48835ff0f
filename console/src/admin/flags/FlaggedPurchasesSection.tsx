import { NetworkStatus } from '@apollo/client';
import { EmptyState } from '../../components/EmptyState.tsx';
import { ErrorNotice } from '../../components/ErrorNotice.tsx';
import { LoadMoreButton } from '../../components/LoadMoreButton.tsx';
import { LoadingRows } from '../../components/LoadingRows.tsx';
import { formatCredits } from '../../format/formatCredits.ts';
import { formatDateTime } from '../../format/formatDate.ts';
import { formatMoney } from '../../format/formatMoney.ts';
import { useFlaggedPurchasesQuery } from '../../generated/hooks.ts';
import { Link } from '../../router/router.tsx';
import { PurchaseStatusBadge } from '../purchases/PurchaseStatusBadge.tsx';

export const flaggedPageSize = 25;

/** Purchases flagged for review, with the reason the server gave. */
export function FlaggedPurchasesSection() {
  const { data, error, refetch, fetchMore, networkStatus } = useFlaggedPurchasesQuery({
    variables: { first: flaggedPageSize },
    fetchPolicy: 'cache-and-network',
    notifyOnNetworkStatusChange: true,
  });
  const connection = data?.flaggedPurchases;
  const purchases = connection?.edges.map((edge) => edge.node) ?? [];
  return (
    <section className="card" aria-labelledby="flagged-heading">
      <h2 id="flagged-heading">Flagged purchases</h2>
      {error && <ErrorNotice error={error} onRetry={() => void refetch().catch(() => undefined)} />}
      {!connection && !error && <LoadingRows rows={3} label="Loading flagged purchases…" />}
      {connection && purchases.length === 0 && (
        <EmptyState title="Nothing flagged">
          <p>Purchases whose paid amount did not match the credits, or that could not be fulfilled, appear here.</p>
        </EmptyState>
      )}
      {connection && purchases.length > 0 && (
        <>
          <div className="table-wrap">
            <table className="data-table">
              <caption className="visually-hidden">Flagged purchases, newest first</caption>
              <thead>
                <tr>
                  <th scope="col">Date</th>
                  <th scope="col">User</th>
                  <th scope="col">Status</th>
                  <th scope="col" className="numeric">
                    Credits
                  </th>
                  <th scope="col" className="numeric">
                    Amount
                  </th>
                  <th scope="col">Why</th>
                </tr>
              </thead>
              <tbody>
                {purchases.map((purchase) => (
                  <tr key={purchase.sessionId} data-testid="flagged-row">
                    <td data-label="Date">
                      <span>
                        <time dateTime={purchase.createdAt}>{formatDateTime(purchase.createdAt)}</time>
                        <span className="id small muted block">{purchase.sessionId}</span>
                      </span>
                    </td>
                    <td data-label="User">
                      <Link to={`/admin/users/${encodeURIComponent(purchase.userId)}`} className="id">
                        {purchase.userId}
                      </Link>
                    </td>
                    <td data-label="Status">
                      <PurchaseStatusBadge status={purchase.status} />
                    </td>
                    <td data-label="Credits" className="numeric">
                      {formatCredits(purchase.creditsGranted)} / {formatCredits(purchase.credits)}
                    </td>
                    <td data-label="Amount" className="numeric">
                      {formatMoney({ amountMinor: purchase.amountMinor, currency: purchase.currency })}
                    </td>
                    <td data-label="Why">{purchase.flagReason ?? '—'}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          <LoadMoreButton
            hasNextPage={connection.pageInfo.hasNextPage}
            loading={networkStatus === NetworkStatus.fetchMore}
            onLoadMore={() => {
              const after = connection.pageInfo.endCursor;
              if (after) void fetchMore({ variables: { after } }).catch(() => undefined);
            }}
            shownCount={purchases.length}
            noun={{ one: 'purchase', other: 'purchases' }}
          />
        </>
      )}
    </section>
  );
}
