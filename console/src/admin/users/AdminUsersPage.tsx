import { useId, useState } from 'react';
import { NetworkStatus } from '@apollo/client';
import { EmptyState } from '../../components/EmptyState.tsx';
import { ErrorNotice } from '../../components/ErrorNotice.tsx';
import { LoadMoreButton } from '../../components/LoadMoreButton.tsx';
import { LoadingRows } from '../../components/LoadingRows.tsx';
import { PageHeading } from '../../components/PageHeading.tsx';
import { formatCredits } from '../../format/formatCredits.ts';
import { formatDateTime } from '../../format/formatDate.ts';
import type { UserSort } from '../../generated/graphql.ts';
import { useAdminUsersQuery } from '../../generated/hooks.ts';
import { useDebouncedValue } from '../../hooks/useDebouncedValue.ts';
import { Link } from '../../router/router.tsx';

export const adminUsersPageSize = 25;

const sortLabels: Record<UserSort, string> = {
  LAST_CREDIT_UPDATE_DESC: 'Last balance change',
  CREDITS_DESC: 'Highest balance',
  CREDITS_ASC: 'Lowest balance',
  CREATED_AT_DESC: 'Newest users',
};

function isUserSort(value: string): value is UserSort {
  return value in sortLabels;
}

/** Admin: find a user by id or email, sorted by balance or last change. */
export default function AdminUsersPage() {
  const id = useId();
  const [search, setSearch] = useState('');
  const [sort, setSort] = useState<UserSort>('LAST_CREDIT_UPDATE_DESC');
  const debouncedSearch = useDebouncedValue(search.trim(), 300);
  const { data, previousData, error, refetch, fetchMore, networkStatus } = useAdminUsersQuery({
    variables: { search: debouncedSearch || null, sort, first: adminUsersPageSize },
    fetchPolicy: 'cache-and-network',
    notifyOnNetworkStatusChange: true,
  });
  const connection = (data ?? previousData)?.users;
  const users = connection?.edges.map((edge) => edge.node) ?? [];

  return (
    <>
      <PageHeading title="Users" />
      <form className="filters" role="search" aria-label="Find users" onSubmit={(event) => event.preventDefault()}>
        <div className="field field--grow">
          <label htmlFor={`${id}-search`}>Search by id or email</label>
          <input id={`${id}-search`} type="search" value={search} onChange={(event) => setSearch(event.target.value)} autoComplete="off" spellCheck={false} />
        </div>
        <div className="field">
          <label htmlFor={`${id}-sort`}>Sort by</label>
          <select id={`${id}-sort`} value={sort} onChange={(event) => isUserSort(event.target.value) && setSort(event.target.value)}>
            {Object.entries(sortLabels).map(([value, label]) => (
              <option key={value} value={value}>
                {label}
              </option>
            ))}
          </select>
        </div>
      </form>

      {error && <ErrorNotice error={error} onRetry={() => void refetch().catch(() => undefined)} />}
      {!connection && !error && <LoadingRows rows={8} label="Loading users…" />}
      {connection && users.length === 0 && (
        <EmptyState title={debouncedSearch ? `No user matches “${debouncedSearch}”` : 'No users yet'}>
          <p>Users appear here the first time they sign in.</p>
        </EmptyState>
      )}
      {connection && users.length > 0 && (
        <div aria-busy={networkStatus === NetworkStatus.setVariables} className={data ? undefined : 'stale'}>
          <div className="table-wrap">
            <table className="data-table">
              <caption className="visually-hidden">Users, sorted by {sortLabels[sort].toLowerCase()}</caption>
              <thead>
                <tr>
                  <th scope="col">User</th>
                  <th scope="col">Email</th>
                  <th scope="col" className="numeric">
                    Balance
                  </th>
                  <th scope="col">Last change</th>
                </tr>
              </thead>
              <tbody>
                {users.map((user) => (
                  <tr key={user.id} data-testid="user-row">
                    <td data-label="User">
                      <Link to={`/admin/users/${encodeURIComponent(user.id)}`} className="id">
                        {user.id}
                      </Link>
                    </td>
                    <td data-label="Email">{user.email ?? <span className="muted">—</span>}</td>
                    <td data-label="Balance" className={user.credits < 0 ? 'numeric delta--negative' : 'numeric'}>
                      {formatCredits(user.credits)}
                    </td>
                    <td data-label="Last change">
                      {user.lastCreditUpdate ? formatDateTime(user.lastCreditUpdate) : <span className="muted">Never</span>}
                    </td>
                  </tr>
                ))}
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
            shownCount={users.length}
            noun={{ one: 'user', other: 'users' }}
          />
        </div>
      )}
    </>
  );
}
