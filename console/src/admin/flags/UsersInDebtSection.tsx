import { EmptyState } from '../../components/EmptyState.tsx';
import { LoadingRows } from '../../components/LoadingRows.tsx';
import { PagedList } from '../../components/PagedList.tsx';
import { pagedListQueryOptions } from '../../components/pagedListQueryOptions.ts';
import { formatCredits } from '../../format/formatCredits.ts';
import { formatDateTime } from '../../format/formatDate.ts';
import { useUsersInDebtQuery } from '../../generated/hooks.ts';
import { Link } from '../../router/router.tsx';

export const debtPageSize = 25;

/**
 * Users whose balance is below zero, lowest first. The list is users by ascending balance, cut
 * where the balance reaches zero; "Load more" is offered only while every user loaded is in debt.
 */
export function UsersInDebtSection() {
  const query = useUsersInDebtQuery({ ...pagedListQueryOptions, variables: { first: debtPageSize } });
  const connection = query.data?.users;
  const loaded = connection?.edges.map((edge) => edge.node) ?? [];
  const debtors = loaded.filter((user) => user.credits < 0);
  const mayHaveMore = Boolean(connection?.pageInfo.hasNextPage) && debtors.length === loaded.length;

  return (
    <section className="card" aria-labelledby="debt-heading">
      <h2 id="debt-heading">Users in debt</h2>
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
        <div className="table-wrap">
          <table className="data-table">
            <caption className="visually-hidden">Users in debt, largest debt first</caption>
            <thead>
              <tr>
                <th scope="col">User</th>
                <th scope="col">Email</th>
                <th scope="col" className="numeric">
                  Owes
                </th>
                <th scope="col">Last change</th>
              </tr>
            </thead>
            <tbody>
              {debtors.map((user) => (
                <tr key={user.id} data-testid="debtor-row">
                  <td data-label="User">
                    <Link to={`/admin/users/${encodeURIComponent(user.id)}`} className="id">
                      {user.id}
                    </Link>
                  </td>
                  <td data-label="Email">{user.email ?? '—'}</td>
                  <td data-label="Owes" className="numeric delta--negative">
                    {formatCredits(user.debt)} credits
                  </td>
                  <td data-label="Last change">{user.lastCreditUpdate ? formatDateTime(user.lastCreditUpdate) : '—'}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </PagedList>
    </section>
  );
}
