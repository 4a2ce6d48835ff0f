import { NetworkStatus } from '@apollo/client';
import { EmptyState } from '../../components/EmptyState.tsx';
import { ErrorNotice } from '../../components/ErrorNotice.tsx';
import { LoadMoreButton } from '../../components/LoadMoreButton.tsx';
import { LoadingRows } from '../../components/LoadingRows.tsx';
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
  const { data, error, refetch, fetchMore, networkStatus } = useUsersInDebtQuery({
    variables: { first: debtPageSize },
    fetchPolicy: 'cache-and-network',
    notifyOnNetworkStatusChange: true,
  });
  const connection = data?.users;
  const loaded = connection?.edges.map((edge) => edge.node) ?? [];
  const debtors = loaded.filter((user) => user.credits < 0);
  const mayHaveMore = Boolean(connection?.pageInfo.hasNextPage) && debtors.length === loaded.length;

  return (
    <section className="card" aria-labelledby="debt-heading">
      <h2 id="debt-heading">Users in debt</h2>
      {error && <ErrorNotice error={error} onRetry={() => void refetch().catch(() => undefined)} />}
      {!connection && !error && <LoadingRows rows={3} label="Loading users in debt…" />}
      {connection && debtors.length === 0 && (
        <EmptyState title="No one is in debt">
          <p>A user owes credits when a refund or dispute takes back credits they had already used.</p>
        </EmptyState>
      )}
      {connection && debtors.length > 0 && (
        <>
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
          <LoadMoreButton
            hasNextPage={mayHaveMore}
            loading={networkStatus === NetworkStatus.fetchMore}
            onLoadMore={() => {
              const after = connection.pageInfo.endCursor;
              if (after) void fetchMore({ variables: { after } }).catch(() => undefined);
            }}
            shownCount={debtors.length}
            noun={{ one: 'user', other: 'users' }}
          />
        </>
      )}
    </section>
  );
}
