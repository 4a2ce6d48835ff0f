import { Fragment, useState } from 'react';
import { EmptyState } from '../../components/EmptyState.tsx';
import { LoadingRows } from '../../components/LoadingRows.tsx';
import { PagedList } from '../../components/PagedList.tsx';
import { pagedListQueryOptions } from '../../components/pagedListQueryOptions.ts';
import { formatCredits } from '../../format/formatCredits.ts';
import { formatMoney } from '../../format/formatMoney.ts';
import { useAdminUserPurchasesQuery } from '../../generated/hooks.ts';
import { PurchaseDateCell } from '../purchases/PurchaseDateCell.tsx';
import { PurchaseStatusAndAmountCells } from '../purchases/PurchaseStatusAndAmountCells.tsx';
import { PurchaseStatusAndAmountHeadings } from '../purchases/PurchaseStatusAndAmountHeadings.tsx';
import { RefundForm } from './RefundForm.tsx';
import { refundableCredits } from './refundableCredits.ts';

export const purchasesPageSize = 10;

/** A user's checkout sessions with their status, and a refund for those with unspent credits. */
export function UserPurchases({ userId, userCredits }: { userId: string; userCredits: number }) {
  const [refunding, setRefunding] = useState<string | null>(null);
  const query = useAdminUserPurchasesQuery({ ...pagedListQueryOptions, variables: { id: userId, first: purchasesPageSize } });
  const connection = query.data?.user?.purchases;
  const purchases = connection?.edges.map((edge) => edge.node) ?? [];

  return (
    <section className="card" aria-labelledby="purchases-heading">
      <h2 id="purchases-heading">Purchases</h2>
      <PagedList
        query={query}
        connection={connection}
        shownCount={purchases.length}
        noun={{ one: 'purchase', other: 'purchases' }}
        placeholder={<LoadingRows rows={3} label="Loading purchases…" />}
        empty={<EmptyState title="No purchases yet" />}
      >
        <div className="table-wrap">
          <table className="data-table">
            <caption className="visually-hidden">Purchases, newest first</caption>
            <thead>
              <tr>
                <th scope="col">Date</th>
                <PurchaseStatusAndAmountHeadings />
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
                      <PurchaseDateCell purchase={purchase} />
                      <PurchaseStatusAndAmountCells purchase={purchase} markFlagged />
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
      </PagedList>
    </section>
  );
}
