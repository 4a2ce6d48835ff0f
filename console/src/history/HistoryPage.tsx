import { useState } from 'react';
import { NetworkStatus } from '@apollo/client';
import { EmptyState } from '../components/EmptyState.tsx';
import { ErrorNotice } from '../components/ErrorNotice.tsx';
import { LoadMoreButton } from '../components/LoadMoreButton.tsx';
import { LoadingRows } from '../components/LoadingRows.tsx';
import { PageHeading } from '../components/PageHeading.tsx';
import { useMyLedgerQuery } from '../generated/hooks.ts';
import { emptyLedgerFilter, isFilterActive, LedgerFilterFields, toLedgerFilter } from '../ledger/LedgerFilterFields.tsx';
import type { LedgerFilterValues } from '../ledger/LedgerFilterFields.tsx';
import { LedgerTable } from '../ledger/LedgerTable.tsx';
import { Link } from '../router/router.tsx';

export const historyPageSize = 20;

/** The user's own ledger: every credit movement with its reason and the balance after it. */
export function HistoryPage() {
  const [filterValues, setFilterValues] = useState<LedgerFilterValues>(emptyLedgerFilter);
  const { data, previousData, error, refetch, fetchMore, networkStatus } = useMyLedgerQuery({
    variables: { first: historyPageSize, filter: toLedgerFilter(filterValues) },
    fetchPolicy: 'cache-and-network',
    notifyOnNetworkStatusChange: true,
  });
  const shown = data ?? previousData;
  const connection = shown?.me.ledger;
  const entries = connection?.edges.map((edge) => edge.node) ?? [];
  const filtered = isFilterActive(filterValues);

  const loadMore = () => {
    const after = connection?.pageInfo.endCursor;
    if (after) void fetchMore({ variables: { after } }).catch(() => undefined);
  };

  return (
    <>
      <PageHeading title="History" />
      <form className="filters" aria-label="Filter history" onSubmit={(event) => event.preventDefault()}>
        <LedgerFilterFields values={filterValues} onChange={setFilterValues} />
        {filtered && (
          <button type="button" className="button button--quiet" onClick={() => setFilterValues(emptyLedgerFilter)}>
            Clear filters
          </button>
        )}
      </form>

      {error && <ErrorNotice error={error} onRetry={() => void refetch().catch(() => undefined)} />}
      {!connection && !error && <LoadingRows rows={6} label="Loading history…" />}
      {connection && entries.length === 0 && (
        <EmptyState title={filtered ? 'No entries match these filters' : 'No credit movements yet'}>
          {filtered ? <p>Try a wider date range or another kind.</p> : <p>Credits you buy and use will be listed here. <Link to="/billing">Buy credits</Link></p>}
        </EmptyState>
      )}
      {connection && entries.length > 0 && (
        <div aria-busy={networkStatus === NetworkStatus.setVariables} className={data ? undefined : 'stale'}>
          <LedgerTable entries={entries} caption="Your credit history, newest first" />
          <LoadMoreButton
            hasNextPage={connection.pageInfo.hasNextPage}
            loading={networkStatus === NetworkStatus.fetchMore}
            onLoadMore={loadMore}
            shownCount={entries.length}
            noun={{ one: 'entry', other: 'entries' }}
          />
        </div>
      )}
    </>
  );
}
