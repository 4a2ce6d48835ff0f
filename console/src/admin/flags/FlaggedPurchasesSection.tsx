import { useQuery } from '@apollo/client/react';
import { CardSection } from '../../components/CardSection.tsx';
import { connectionNodes } from '../../components/connectionNodes.ts';
import { DataTable } from '../../components/DataTable.tsx';
import { EmptyState } from '../../components/EmptyState.tsx';
import { LoadingRows } from '../../components/LoadingRows.tsx';
import { PagedList } from '../../components/PagedList.tsx';
import { pagedListQueryOptions } from '../../components/pagedListQueryOptions.ts';
import { FlaggedPurchasesDocument } from '../../generated/graphql.ts';
import { PurchaseDateCell } from '../purchases/PurchaseDateCell.tsx';
import { PurchaseStatusAndAmountCells } from '../purchases/PurchaseStatusAndAmountCells.tsx';
import { purchaseStatusAndAmountColumns } from '../purchases/purchaseStatusAndAmountColumns.ts';
import { UserLink } from '../users/UserLink.tsx';

export const flaggedPageSize = 25;

/** Purchases flagged for review, with the reason the server gave. */
export function FlaggedPurchasesSection() {
  const query = useQuery(FlaggedPurchasesDocument, { ...pagedListQueryOptions, variables: { first: flaggedPageSize } });
  const connection = query.data?.flaggedPurchases;
  const purchases = connectionNodes(connection);
  return (
    <CardSection title="Flagged purchases">
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
        <DataTable
          caption="Flagged purchases, newest first"
          columns={[{ label: 'Date' }, { label: 'User' }, ...purchaseStatusAndAmountColumns, { label: 'Why' }]}
        >
          {purchases.map((purchase) => (
            <tr key={purchase.sessionId} data-testid="flagged-row">
              <PurchaseDateCell purchase={purchase} />
              <td data-label="User">
                <UserLink userId={purchase.userId} />
              </td>
              <PurchaseStatusAndAmountCells purchase={purchase} />
              <td data-label="Why">{purchase.flagReason ?? '—'}</td>
            </tr>
          ))}
        </DataTable>
      </PagedList>
    </CardSection>
  );
}
