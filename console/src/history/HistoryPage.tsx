import { useQuery } from '@apollo/client/react';
import { useState } from 'react';
import { PageHeading } from '../components/PageHeading.tsx';
import { pagedListQueryOptions } from '../components/pagedListQueryOptions.ts';
import { MyLedgerDocument } from '../generated/graphql.ts';
import { emptyLedgerFilter, isFilterActive, LedgerFilterFields, toLedgerFilter } from '../ledger/LedgerFilterFields.tsx';
import type { LedgerFilterValues } from '../ledger/LedgerFilterFields.tsx';
import { FilteredLedger } from '../ledger/FilteredLedger.tsx';
import { Link } from '../router/router.tsx';

export const historyPageSize = 20;

/** The user's own ledger: every credit movement with its reason and the balance after it. */
export function HistoryPage() {
  const [filterValues, setFilterValues] = useState<LedgerFilterValues>(emptyLedgerFilter);
  const query = useQuery(MyLedgerDocument, { ...pagedListQueryOptions, variables: { first: historyPageSize, filter: toLedgerFilter(filterValues) } });
  const filtered = isFilterActive(filterValues);

  return (
    <>
      <PageHeading title="History" />
      <FilteredLedger
        formLabel="Filter history"
        filtered={filtered}
        onClearFilters={() => setFilterValues(emptyLedgerFilter)}
        query={query}
        connection={(query.data ?? query.previousData)?.me.ledger}
        list={{ placeholderRows: 6, loadingLabel: 'Loading history…', caption: 'Your credit history, newest first' }}
        empty={{
          title: 'No credit movements yet',
          body: (
            <p>
              Credits you buy and use will be listed here. <Link to="/billing">Buy credits</Link>
            </p>
          ),
          filteredHint: 'Try a wider date range or another kind.',
        }}
      >
        <LedgerFilterFields values={filterValues} onChange={setFilterValues} />
      </FilteredLedger>
    </>
  );
}
