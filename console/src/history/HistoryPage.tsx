import { useState } from 'react';
import { EmptyState } from '../components/EmptyState.tsx';
import { LoadingRows } from '../components/LoadingRows.tsx';
import { PageHeading } from '../components/PageHeading.tsx';
import { PagedList } from '../components/PagedList.tsx';
import { pagedListQueryOptions } from '../components/pagedListQueryOptions.ts';
import { useMyLedgerQuery } from '../generated/hooks.ts';
import { emptyLedgerFilter, isFilterActive, LedgerFilterFields, toLedgerFilter } from '../ledger/LedgerFilterFields.tsx';
import type { LedgerFilterValues } from '../ledger/LedgerFilterFields.tsx';
import { LedgerTable } from '../ledger/LedgerTable.tsx';
import { Link } from '../router/router.tsx';

export const historyPageSize = 20;

/** The user's own ledger: every credit movement with its reason and the balance after it. */
export function HistoryPage() {
  const [filterValues, setFilterValues] = useState<LedgerFilterValues>(emptyLedgerFilter);
  const query = useMyLedgerQuery({ ...pagedListQueryOptions, variables: { first: historyPageSize, filter: toLedgerFilter(filterValues) } });
  const connection = (query.data ?? query.previousData)?.me.ledger;
  const entries = connection?.edges.map((edge) => edge.node) ?? [];
  const filtered = isFilterActive(filterValues);

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

      <PagedList
        query={query}
        connection={connection}
        shownCount={entries.length}
        noun={{ one: 'entry', other: 'entries' }}
        stale={!query.data}
        placeholder={<LoadingRows rows={6} label="Loading history…" />}
        empty={
          <EmptyState title={filtered ? 'No entries match these filters' : 'No credit movements yet'}>
            {filtered ? <p>Try a wider date range or another kind.</p> : <p>Credits you buy and use will be listed here. <Link to="/billing">Buy credits</Link></p>}
          </EmptyState>
        }
      >
        <LedgerTable entries={entries} caption="Your credit history, newest first" />
      </PagedList>
    </>
  );
}
