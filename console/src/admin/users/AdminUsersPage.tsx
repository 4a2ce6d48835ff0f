import { useQuery } from '@apollo/client/react';
import { useId, useState } from 'react';
import { connectionNodes } from '../../components/connectionNodes.ts';
import { DataTable } from '../../components/DataTable.tsx';
import { EmptyState } from '../../components/EmptyState.tsx';
import { LoadingRows } from '../../components/LoadingRows.tsx';
import { PageHeading } from '../../components/PageHeading.tsx';
import { PagedList } from '../../components/PagedList.tsx';
import { pagedListQueryOptions } from '../../components/pagedListQueryOptions.ts';
import { formatCredits } from '../../format/formatCredits.ts';
import { enumLabels, enumNames } from '../../format/enumLabels.ts';
import { formatDateTime } from '../../format/formatDate.ts';
import type { UserSort } from '../../generated/graphql.ts';
import { AdminUsersDocument } from '../../generated/graphql.ts';
import { useDebouncedValue } from '../../hooks/useDebouncedValue.ts';
import { UserCell } from './UserCell.tsx';
import { userSorts } from '../../../../server/vocabulary.ts';

export const adminUsersPageSize = 25;

/** Words for each order of the vocabulary (typed by it: an order added there does not compile until it has one). */
const sortLabels: Record<UserSort, string> = enumLabels(userSorts, {
  last_credit_update_desc: 'Last balance change',
  credits_desc: 'Highest balance',
  credits_asc: 'Lowest balance',
  created_at_desc: 'Newest users',
} satisfies Record<(typeof userSorts)[number], string>);

function isUserSort(value: string): value is UserSort {
  return value in sortLabels;
}

/** Admin: find a user by id or email, sorted by balance or last change. */
export default function AdminUsersPage() {
  const id = useId();
  const [search, setSearch] = useState('');
  const [sort, setSort] = useState<UserSort>('LAST_CREDIT_UPDATE_DESC');
  const debouncedSearch = useDebouncedValue(search.trim(), 300);
  const query = useQuery(AdminUsersDocument, { ...pagedListQueryOptions, variables: { search: debouncedSearch || null, sort, first: adminUsersPageSize } });
  const connection = (query.data ?? query.previousData)?.users;
  const users = connectionNodes(connection);

  return (
    <>
      <PageHeading title="Users" />
      <form className="filters filters--users" role="search" aria-label="Find users" onSubmit={(event) => event.preventDefault()}>
        <div className="field field--grow">
          <label htmlFor={`${id}-search`}>Search by id or email</label>
          <input id={`${id}-search`} type="search" value={search} onChange={(event) => setSearch(event.target.value)} autoComplete="off" spellCheck={false} />
        </div>
        <div className="field">
          <label htmlFor={`${id}-sort`}>Sort by</label>
          <select id={`${id}-sort`} value={sort} onChange={(event) => isUserSort(event.target.value) && setSort(event.target.value)}>
            {enumNames(userSorts).map((value) => (
              <option key={value} value={value}>
                {sortLabels[value]}
              </option>
            ))}
          </select>
        </div>
      </form>

      <PagedList
        query={query}
        connection={connection}
        shownCount={users.length}
        noun={{ one: 'user', other: 'users' }}
        stale={!query.data}
        placeholder={<LoadingRows rows={8} label="Loading users…" />}
        empty={
          <EmptyState title={debouncedSearch ? `No user matches “${debouncedSearch}”` : 'No users yet'}>
            <p>Users appear here the first time they sign in.</p>
          </EmptyState>
        }
      >
        <DataTable
          caption={`Users, sorted by ${sortLabels[sort].toLowerCase()}`}
          columns={[{ label: 'User' }, { label: 'Email' }, { label: 'Balance', numeric: true }, { label: 'Last change' }]}
        >
          {users.map((user) => (
            <tr key={user.id} data-testid="user-row">
              <UserCell userId={user.id} />
              <td data-label="Email">{user.email ?? <span className="muted">—</span>}</td>
              <td data-label="Balance" className={user.credits < 0 ? 'numeric delta--negative' : 'numeric'}>
                {formatCredits(user.credits)}
              </td>
              <td data-label="Last change">
                {user.lastCreditUpdate ? formatDateTime(user.lastCreditUpdate) : <span className="muted">Never</span>}
              </td>
            </tr>
          ))}
        </DataTable>
      </PagedList>
    </>
  );
}
