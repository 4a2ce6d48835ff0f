import { useQuery } from '@apollo/client/react';
import { connectionNodes } from '../../components/connectionNodes.ts';
import { PagedTableCard } from '../../components/PagedTableCard.tsx';
import { pagedListQueryOptions } from '../../components/pagedListQueryOptions.ts';
import { formatCredits } from '../../format/formatCredits.ts';
import { formatDateTime } from '../../format/formatDate.ts';
import { UsersInDebtDocument } from '../../generated/graphql.ts';
import { UserCell } from '../users/UserCell.tsx';

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
    <PagedTableCard
      title="Users in debt"
      query={query}
      connection={connection}
      shown={{ nodes: debtors, hasNextPage: mayHaveMore }}
      noun={{ one: 'user', other: 'users' }}
      empty={{ title: 'No one is in debt', text: 'A user owes credits when a refund or dispute takes back credits they had already used.' }}
      caption="Users in debt, largest debt first"
      columns={[{ label: 'User' }, { label: 'Email' }, { label: 'Owes', numeric: true }, { label: 'Last change' }]}
    >
      {(users) =>
        users.map((user) => (
          <tr key={user.id} data-testid="debtor-row">
            <UserCell userId={user.id} />
            <td data-label="Email">{user.email ?? '—'}</td>
            <td data-label="Owes" className="numeric delta--negative">
              {formatCredits(user.debt)} credits
            </td>
            <td data-label="Last change">{user.lastCreditUpdate ? formatDateTime(user.lastCreditUpdate) : '—'}</td>
          </tr>
        ))
      }
    </PagedTableCard>
  );
}
