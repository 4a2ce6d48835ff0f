import { useQuery } from '@apollo/client/react';
import { useState } from 'react';
import { EmptyState } from '../components/EmptyState.tsx';
import { PageHeading } from '../components/PageHeading.tsx';
import { pagedListQueryOptions } from '../components/pagedListQueryOptions.ts';
import { MyLedgerDocument } from '../generated/graphql.ts';
import { emptyLedgerFilter, isFilterActive, LedgerFilterFields, toLedgerFilter } from '../ledger/LedgerFilterFields.tsx';
import type { LedgerFilterValues } from '../ledger/LedgerFilterFields.tsx';
import { LedgerList } from '../ledger/LedgerList.tsx';
import { Link } from '../router/router.tsx';

export const historyPageSize = 20;

/** The user's own ledger: every credit movement with its reason and the balance after it. */
export function HistoryPage() {
  const [filterValues, setFilterValues] = useState<LedgerFilterValues>(emptyLedgerFilter);
  const query = useQuery(MyLedgerDocument, { ...pagedListQueryOptions, variables: { first: historyPageSize, filter: toLedgerFilter(filterValues) } });
  const connection = (query.data ?? query.previousData)?.me.ledger;
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

      <LedgerList
        query={query}
        connection={connection}
        stale={!query.data}
        placeholderRows={6}
        loadingLabel="Loading history…"
        caption="Your credit history, newest first"
        empty={
          <EmptyState title={filtered ? 'No entries match these filters' : 'No credit movements yet'}>
            {filtered ? <p>Try a wider date range or another kind.</p> : <p>Credits you buy and use will be listed here. <Link to="/billing">Buy credits</Link></p>}
          </EmptyState>
        }
      />
    </>
  );
}
