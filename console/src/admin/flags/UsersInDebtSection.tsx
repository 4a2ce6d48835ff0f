import { useQuery } from '@apollo/client/react';
import { CardSection } from '../../components/CardSection.tsx';
import { connectionNodes } from '../../components/connectionNodes.ts';
import { DataTable } from '../../components/DataTable.tsx';
import { EmptyState } from '../../components/EmptyState.tsx';
import { LoadingRows } from '../../components/LoadingRows.tsx';
import { PagedList } from '../../components/PagedList.tsx';
import { pagedListQueryOptions } from '../../components/pagedListQueryOptions.ts';
import { formatCredits } from '../../format/formatCredits.ts';
import { formatDateTime } from '../../format/formatDate.ts';
import { UsersInDebtDocument } from '../../generated/graphql.ts';
import { UserLink } from '../users/UserLink.tsx';

export const debtPageSize = 25;

/**
 * Users whose balance is below zero, lowest first. The list is users by ascending balance, cut
 * where the balance reaches zero; "Load more" is offered only while every user loaded is in debt.
 */
export function UsersInDebtSection() {
  const query = useQuery(UsersInDebtDocument, { ...pagedListQueryOptions, variables: { first: debtPageSize } });
  const connection = query.data?.users;
  const loaded = connectionNodes(connection);
  const debtors = loaded.filter((user) => user.credits < 0);
  const mayHaveMore = Boolean(connection?.pageInfo.hasNextPage) && debtors.length === loaded.length;

  return (
    <CardSection title="Users in debt">
      <PagedList
        query={query}
        connection={connection}
        shownCount={debtors.length}
        noun={{ one: 'user', other: 'users' }}
        hasNextPage={mayHaveMore}
        placeholder={<LoadingRows rows={3} label="Loading users in debt…" />}
        empty={
          <EmptyState title="No one is in debt">
            <p>A user owes credits when a refund or dispute takes back credits they had already used.</p>
          </EmptyState>
        }
      >
        <DataTable
          caption="Users in debt, largest debt first"
          columns={[{ label: 'User' }, { label: 'Email' }, { label: 'Owes', numeric: true }, { label: 'Last change' }]}
        >
          {debtors.map((user) => (
            <tr key={user.id} data-testid="debtor-row">
              <td data-label="User">
                <UserLink userId={user.id} />
              </td>
              <td data-label="Email">{user.email ?? '—'}</td>
              <td data-label="Owes" className="numeric delta--negative">
                {formatCredits(user.debt)} credits
              </td>
              <td data-label="Last change">{user.lastCreditUpdate ? formatDateTime(user.lastCreditUpdate) : '—'}</td>
            </tr>
          ))}
        </DataTable>
      </PagedList>
    </CardSection>
  );
}
