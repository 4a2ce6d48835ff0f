import { EmptyState } from '../../components/EmptyState.tsx';
import { LoadingRows } from '../../components/LoadingRows.tsx';
import { PagedList } from '../../components/PagedList.tsx';
import { pagedListQueryOptions } from '../../components/pagedListQueryOptions.ts';
import { useFlaggedPurchasesQuery } from '../../generated/hooks.ts';
import { Link } from '../../router/router.tsx';
import { PurchaseDateCell } from '../purchases/PurchaseDateCell.tsx';
import { PurchaseStatusAndAmountCells } from '../purchases/PurchaseStatusAndAmountCells.tsx';
import { PurchaseStatusAndAmountHeadings } from '../purchases/PurchaseStatusAndAmountHeadings.tsx';

export const flaggedPageSize = 25;

/** Purchases flagged for review, with the reason the server gave. */
export function FlaggedPurchasesSection() {
  const query = useFlaggedPurchasesQuery({ ...pagedListQueryOptions, variables: { first: flaggedPageSize } });
  const connection = query.data?.flaggedPurchases;
  const purchases = connection?.edges.map((edge) => edge.node) ?? [];
  return (
    <section className="card" aria-labelledby="flagged-heading">
      <h2 id="flagged-heading">Flagged purchases</h2>
      <PagedList
        query={query}
        connection={connection}
        shownCount={purchases.length}
        noun={{ one: 'purchase', other: 'purchases' }}
        placeholder={<LoadingRows rows={3} label="Loading flagged purchases…" />}
        empty={
          <EmptyState title="Nothing flagged">
            <p>Purchases whose paid amount did not match the credits, or that could not be fulfilled, appear here.</p>
          </EmptyState>
        }
      >
        <div className="table-wrap">
          <table className="data-table">
            <caption className="visually-hidden">Flagged purchases, newest first</caption>
            <thead>
              <tr>
                <th scope="col">Date</th>
                <th scope="col">User</th>
                <PurchaseStatusAndAmountHeadings />
                <th scope="col">Why</th>
              </tr>
            </thead>
            <tbody>
              {purchases.map((purchase) => (
                <tr key={purchase.sessionId} data-testid="flagged-row">
                  <PurchaseDateCell purchase={purchase} />
                  <td data-label="User">
                    <Link to={`/admin/users/${encodeURIComponent(purchase.userId)}`} className="id">
                      {purchase.userId}
                    </Link>
                  </td>
                  <PurchaseStatusAndAmountCells purchase={purchase} />
                  <td data-label="Why">{purchase.flagReason ?? '—'}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </PagedList>
    </section>
  );
}
