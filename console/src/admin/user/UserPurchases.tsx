import { Fragment, useState } from 'react';
import { NetworkStatus } from '@apollo/client';
import { EmptyState } from '../../components/EmptyState.tsx';
import { ErrorNotice } from '../../components/ErrorNotice.tsx';
import { LoadMoreButton } from '../../components/LoadMoreButton.tsx';
import { LoadingRows } from '../../components/LoadingRows.tsx';
import { formatCredits } from '../../format/formatCredits.ts';
import { formatDateTime } from '../../format/formatDate.ts';
import { formatMoney } from '../../format/formatMoney.ts';
import { useAdminUserPurchasesQuery } from '../../generated/hooks.ts';
import { PurchaseStatusBadge } from '../purchases/PurchaseStatusBadge.tsx';
import { RefundForm } from './RefundForm.tsx';
import { refundableCredits } from './refundableCredits.ts';

export const purchasesPageSize = 10;

/** A user's checkout sessions with their status, and a refund for those with unspent credits. */
export function UserPurchases({ userId, userCredits }: { userId: string; userCredits: number }) {
  const [refunding, setRefunding] = useState<string | null>(null);
  const { data, error, refetch, fetchMore, networkStatus } = useAdminUserPurchasesQuery({
    variables: { id: userId, first: purchasesPageSize },
    fetchPolicy: 'cache-and-network',
    notifyOnNetworkStatusChange: true,
  });
  const connection = data?.user?.purchases;
  const purchases = connection?.edges.map((edge) => edge.node) ?? [];

  return (
    <section className="card" aria-labelledby="purchases-heading">
      <h2 id="purchases-heading">Purchases</h2>
      {error && <ErrorNotice error={error} onRetry={() => void refetch().catch(() => undefined)} />}
      {!connection && !error && <LoadingRows rows={3} label="Loading purchases…" />}
      {connection && purchases.length === 0 && <EmptyState title="No purchases yet" />}
      {connection && purchases.length > 0 && (
        <>
          <div className="table-wrap">
            <table className="data-table">
              <caption className="visually-hidden">Purchases, newest first</caption>
              <thead>
                <tr>
                  <th scope="col">Date</th>
                  <th scope="col">Status</th>
                  <th scope="col" className="numeric">
                    Credits
                  </th>
                  <th scope="col" className="numeric">
                    Amount
                  </th>
                  <th scope="col" className="numeric">
                    Refunded
                  </th>
                  <th scope="col">
                    <span className="visually-hidden">Actions</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                {purchases.map((purchase) => {
                  const refundable = refundableCredits(purchase, userCredits);
                  return (
                    <Fragment key={purchase.sessionId}>
                      <tr data-testid="purchase-row">
                        <td data-label="Date">
                          <span>
                            <time dateTime={purchase.createdAt}>{formatDateTime(purchase.createdAt)}</time>
                            <span className="id small muted block">{purchase.sessionId}</span>
                          </span>
                        </td>
                        <td data-label="Status">
                          <PurchaseStatusBadge status={purchase.status} />
                          {purchase.flagReason && <span className="badge badge--error">Flagged</span>}
                        </td>
                        <td data-label="Credits" className="numeric">
                          {formatCredits(purchase.creditsGranted)} / {formatCredits(purchase.credits)}
                        </td>
                        <td data-label="Amount" className="numeric">
                          {formatMoney({ amountMinor: purchase.amountMinor, currency: purchase.currency })}
                        </td>
                        <td data-label="Refunded" className="numeric">
                          {purchase.amountRefundedMinor > 0
                            ? `${formatMoney({ amountMinor: purchase.amountRefundedMinor, currency: purchase.currency })} (${formatCredits(purchase.creditsClawedBack)} credits)`
                            : '—'}
                        </td>
                        <td data-label="Actions">
                          {refundable > 0 && refunding !== purchase.sessionId && (
                            <button
                              type="button"
                              className="button button--small"
                              onClick={() => setRefunding(purchase.sessionId)}
                              aria-label={`Refund purchase ${purchase.sessionId}`}
                            >
                              Refund…
                            </button>
                          )}
                        </td>
                      </tr>
                      {refunding === purchase.sessionId && (
                        <tr className="row-detail">
                          <td colSpan={6}>
                            <RefundForm sessionId={purchase.sessionId} creditsMax={refundable} onClose={() => setRefunding(null)} />
                          </td>
                        </tr>
                      )}
                    </Fragment>
                  );
                })}
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
