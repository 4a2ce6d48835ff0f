import type { ReactNode } from 'react';
import { LoadingRows } from '../components/LoadingRows.tsx';
import { PagedList } from '../components/PagedList.tsx';
import type { PagedQuery } from '../components/PagedList.tsx';
import { connectionNodes } from '../components/connectionNodes.ts';
import type { LedgerConnectionFieldsFragment } from '../generated/graphql.ts';
import { LedgerTable } from './LedgerTable.tsx';

interface LedgerListProps {
  /** The `useQuery` result of a ledger, run with `pagedListQueryOptions`. */
  query: PagedQuery;
  connection: LedgerConnectionFieldsFragment | null | undefined;
  /** How many placeholder rows stand for the first page, and what they announce. */
  placeholderRows: number;
  loadingLabel: string;
  empty: ReactNode;
  /** See `PagedList`: given by lists that keep the previous filter's rows while the new ones load. */
  stale?: boolean;
  caption: string;
  showUser?: boolean;
  showActor?: boolean;
}

/** A paged ledger (history, a user's page, the admin ledger): `PagedList` around a `LedgerTable`. */
export function LedgerList({ query, connection, placeholderRows, loadingLabel, empty, stale, caption, showUser, showActor }: LedgerListProps) {
  const entries = connectionNodes(connection);
  return (
    <PagedList
      query={query}
      connection={connection}
      shownCount={entries.length}
      noun={{ one: 'entry', other: 'entries' }}
      stale={stale}
      placeholder={<LoadingRows rows={placeholderRows} label={loadingLabel} />}
      empty={empty}
    >
      <LedgerTable entries={entries} caption={caption} showUser={showUser} showActor={showActor} />
    </PagedList>
  );
}
