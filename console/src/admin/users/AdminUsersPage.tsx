import { useQuery } from '@apollo/client/react';
import { useId, useState } from 'react';
import type { DataTableColumn } from '../../components/DataTable.tsx';
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
import { downloadBlob } from '../ledger/exportLedgerCsv.ts';
import { UserCell } from './UserCell.tsx';
import { usersCsv } from './usersCsv.ts';
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

/** The heading of a column the server can order by: which way it is ordered now, and the order a click asks for. */
interface SortColumnOptions {
  label: string;
  numeric?: boolean;
  /** The order the list is in now. */
  sort: UserSort;
  /** The server's orders for this column; a column with both toggles between them. */
  orders: { descending: UserSort; ascending?: UserSort };
  setSort: (sort: UserSort) => void;
}

function sortColumn({ label, numeric = false, sort, orders, setSort }: SortColumnOptions): DataTableColumn {
  const direction = sort === orders.descending ? 'descending' : sort === orders.ascending ? 'ascending' : 'none';
  const next = direction === 'descending' && orders.ascending ? orders.ascending : orders.descending;
  return { label, numeric, sort: { direction, onSort: () => setSort(next) } };
}

/**
 * Admin: find a user by id or email, sorted by balance, last change or age (the server orders: a
 * column heading or the "Sort by" box); select rows to export them.
 */
export default function AdminUsersPage() {
  const id = useId();
  const [search, setSearch] = useState('');
  const [sort, setSort] = useState<UserSort>('LAST_CREDIT_UPDATE_DESC');
  const debouncedSearch = useDebouncedValue(search.trim(), 300);
  const query = useQuery(AdminUsersDocument, { ...pagedListQueryOptions, variables: { search: debouncedSearch || null, sort, first: adminUsersPageSize } });
  const connection = (query.data ?? query.previousData)?.users;
  const users = connectionNodes(connection);
  const [selectedIds, setSelectedIds] = useState<ReadonlySet<string>>(new Set());
  const selectedUsers = users.filter((user) => selectedIds.has(user.id));
  const allSelected = users.length > 0 && selectedUsers.length === users.length;
  const toggle = (userId: string) =>
    setSelectedIds((selected) => {
      const next = new Set(selected);
      if (!next.delete(userId)) next.add(userId);
      return next;
    });
  const exportSelected = () => downloadBlob(new Blob([usersCsv(selectedUsers)], { type: 'text/csv;charset=utf-8' }), `topup-users-${selectedUsers.length}-${new Date().toISOString().slice(0, 10)}.csv`);

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
        <div className="selection-bar" data-testid="user-selection">
          <p className="selection-bar__count" role="status">
            {selectedUsers.length === 0 ? 'Select users to export them.' : `${selectedUsers.length} ${selectedUsers.length === 1 ? 'user' : 'users'} selected`}
          </p>
          {selectedUsers.length > 0 && (
            <>
              <button type="button" className="button button--small" onClick={exportSelected}>
                Export selected (CSV)
              </button>
              <button type="button" className="button button--quiet button--small" onClick={() => setSelectedIds(new Set())}>
                Clear selection
              </button>
            </>
          )}
        </div>
        <DataTable
          dense
          caption={`Users, sorted by ${sortLabels[sort].toLowerCase()}`}
          columns={[
            {
              label: 'Select',
              heading: (
                <input
                  type="checkbox"
                  aria-label="Select every user shown"
                  checked={allSelected}
                  ref={(box) => {
                    if (box) box.indeterminate = selectedUsers.length > 0 && !allSelected;
                  }}
                  onChange={() => setSelectedIds(allSelected ? new Set() : new Set(users.map((user) => user.id)))}
                />
              ),
            },
            { label: 'User' },
            { label: 'Email' },
            sortColumn({ label: 'Balance', numeric: true, sort, orders: { descending: 'CREDITS_DESC', ascending: 'CREDITS_ASC' }, setSort }),
            sortColumn({ label: 'Last change', sort, orders: { descending: 'LAST_CREDIT_UPDATE_DESC' }, setSort }),
            sortColumn({ label: 'Joined', sort, orders: { descending: 'CREATED_AT_DESC' }, setSort }),
          ]}
        >
          {users.map((user) => (
            <tr key={user.id} data-testid="user-row" className={selectedIds.has(user.id) ? 'row--selected' : undefined}>
              <td data-label="Select" className="select-cell">
                <input type="checkbox" aria-label={`Select ${user.id}`} checked={selectedIds.has(user.id)} onChange={() => toggle(user.id)} />
              </td>
              <UserCell userId={user.id} />
              <td data-label="Email">{user.email ?? <span className="muted">—</span>}</td>
              <td data-label="Balance" className={user.credits < 0 ? 'numeric delta--negative' : 'numeric'}>
                {formatCredits(user.credits)}
              </td>
              <td data-label="Last change">
                {user.lastCreditUpdate ? formatDateTime(user.lastCreditUpdate) : <span className="muted">Never</span>}
              </td>
              <td data-label="Joined">{formatDateTime(user.createdAt)}</td>
            </tr>
          ))}
        </DataTable>
      </PagedList>
    </>
  );
}
