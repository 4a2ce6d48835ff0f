import { useQuery } from '@apollo/client/react';
import { Fragment, useState } from 'react';
import { PagedTableCard } from '../../components/PagedTableCard.tsx';
import { pagedListQueryOptions } from '../../components/pagedListQueryOptions.ts';
import { formatCredits } from '../../format/formatCredits.ts';
import { formatMoney } from '../../format/formatMoney.ts';
import { AdminUserPurchasesDocument } from '../../generated/graphql.ts';
import { PurchaseDateCell } from '../purchases/PurchaseDateCell.tsx';
import { PurchaseStatusAndAmountCells } from '../purchases/PurchaseStatusAndAmountCells.tsx';
import { purchaseStatusAndAmountColumns } from '../purchases/purchaseStatusAndAmountColumns.ts';
import { RefundForm } from './RefundForm.tsx';

export const purchasesPageSize = 10;

const columns = [{ label: 'Date' }, ...purchaseStatusAndAmountColumns, { label: 'Refunded', numeric: true }, { label: 'Actions', hidden: true }];

/**
 * A user's checkout sessions with their status, and a refund for those with credits left to refund
 * (`refundableCredits`, the server's rule).
 */
export function UserPurchases({ userId }: { userId: string }) {
  const [refunding, setRefunding] = useState<string | null>(null);
  const query = useQuery(AdminUserPurchasesDocument, { ...pagedListQueryOptions, variables: { id: userId, first: purchasesPageSize } });

  return (
    <PagedTableCard
      title="Purchases"
      query={query}
      connection={query.data?.user?.purchases}
      noun={{ one: 'purchase', other: 'purchases' }}
      empty={{ title: 'No purchases yet' }}
      caption="Purchases, newest first"
      columns={columns}
    >
      {(purchases) =>
        purchases.map((purchase) => (
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
                {purchase.refundableCredits > 0 && refunding !== purchase.sessionId && (
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
                <td colSpan={columns.length}>
                  <RefundForm
                    sessionId={purchase.sessionId}
                    userId={userId}
                    creditsMax={purchase.refundableCredits}
                    onClose={() => setRefunding(null)}
                  />
                </td>
              </tr>
            )}
          </Fragment>
        ))
      }
    </PagedTableCard>
  );
}
