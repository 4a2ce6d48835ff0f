import { useQuery } from '@apollo/client/react';
import { PagedTableCard } from '../../components/PagedTableCard.tsx';
import { pagedListQueryOptions } from '../../components/pagedListQueryOptions.ts';
import { FlaggedPurchasesDocument } from '../../generated/graphql.ts';
import { chargedAmount } from '../purchases/chargedAmount.ts';
import { PurchaseDateCell } from '../purchases/PurchaseDateCell.tsx';
import { PurchaseStatusAndAmountCells } from '../purchases/PurchaseStatusAndAmountCells.tsx';
import { purchaseStatusAndAmountColumns } from '../purchases/purchaseStatusAndAmountColumns.ts';
import { UserCell } from '../users/UserCell.tsx';

export const flaggedPageSize = 25;

/**
 * Purchases flagged for review, with the reason the server gave. "Charged" shows the amount and
 * currency the customer paid when Adaptive Pricing converted it, so a currency mismatch is seen at
 * a glance next to the recorded amount.
 */
export function FlaggedPurchasesSection() {
  const query = useQuery(FlaggedPurchasesDocument, { ...pagedListQueryOptions, variables: { first: flaggedPageSize } });
  return (
    <PagedTableCard
      title="Flagged purchases"
      query={query}
      connection={query.data?.flaggedPurchases}
      noun={{ one: 'purchase', other: 'purchases' }}
      empty={{ title: 'Nothing flagged', text: 'Purchases whose paid amount did not match the credits, or that could not be fulfilled, appear here.' }}
      caption="Flagged purchases, newest first"
      columns={[{ label: 'Date' }, { label: 'User' }, ...purchaseStatusAndAmountColumns, { label: 'Charged', numeric: true }, { label: 'Why' }]}
    >
      {(purchases) =>
        purchases.map((purchase) => (
          <tr key={purchase.sessionId} data-testid="flagged-row">
            <PurchaseDateCell purchase={purchase} />
            <UserCell userId={purchase.userId} />
            <PurchaseStatusAndAmountCells purchase={purchase} />
            <td data-label="Charged" className="numeric">
              {chargedAmount(purchase) ?? '—'}
            </td>
            <td data-label="Why">{purchase.flagReason ?? '—'}</td>
          </tr>
        ))
      }
    </PagedTableCard>
  );
}
