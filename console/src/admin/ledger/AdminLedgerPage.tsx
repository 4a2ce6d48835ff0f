import { useQuery } from '@apollo/client/react';
import { useId, useState } from 'react';
import { Field } from '../../components/Field.tsx';
import { PageHeading } from '../../components/PageHeading.tsx';
import { pagedListQueryOptions } from '../../components/pagedListQueryOptions.ts';
import type { AdminLedgerFilter } from '../../generated/graphql.ts';
import { LedgerEntriesDocument } from '../../generated/graphql.ts';
import { useDebouncedValue } from '../../hooks/useDebouncedValue.ts';
import { emptyLedgerFilter, isFilterActive, LedgerFilterFields, toLedgerFilter } from '../../ledger/LedgerFilterFields.tsx';
import type { LedgerFilterValues } from '../../ledger/LedgerFilterFields.tsx';
import { FilteredLedger } from '../../ledger/FilteredLedger.tsx';
import { useLocation } from '../../router/router.tsx';
import { CreditStatsPanel } from './CreditStatsPanel.tsx';
import { CsvExportButton } from './CsvExportButton.tsx';

export const adminLedgerPageSize = 50;

/** Admin: every credit movement, filtered by user, kind, dates and actor; CSV export; charts. */
export default function AdminLedgerPage() {
  const id = useId();
  const location = useLocation();
  const [filterValues, setFilterValues] = useState<LedgerFilterValues>(emptyLedgerFilter);
  const [userId, setUserId] = useState(() => location.search.get('user') ?? '');
  const [actor, setActor] = useState('');
  const typed = { userId: useDebouncedValue(userId.trim(), 300), actor: useDebouncedValue(actor.trim(), 300) };
  const filter: AdminLedgerFilter = {
    ...toLedgerFilter(filterValues),
    ...(typed.userId ? { userId: typed.userId } : {}),
    ...(typed.actor ? { actor: typed.actor } : {}),
  };
  const query = useQuery(LedgerEntriesDocument, { ...pagedListQueryOptions, variables: { filter, first: adminLedgerPageSize } });
  const filtered = isFilterActive(filterValues) || typed.userId !== '' || typed.actor !== '';

  return (
    <>
      <PageHeading title="Ledger" />
      <CreditStatsPanel />
      <section className="card" aria-labelledby={`${id}-entries`}>
        <div className="section-header">
          <h2 id={`${id}-entries`}>Entries</h2>
          <CsvExportButton filter={filter} />
        </div>
        <FilteredLedger
          formLabel="Filter the ledger"
          filtered={filtered}
          onClearFilters={() => {
            setFilterValues(emptyLedgerFilter);
            setUserId('');
            setActor('');
          }}
          query={query}
          connection={(query.data ?? query.previousData)?.ledgerEntries}
          list={{ placeholderRows: 8, loadingLabel: 'Loading ledger…', caption: 'Ledger entries across users, newest first', showUser: true, showActor: true }}
          empty={{ title: 'The ledger is empty', filteredHint: 'Try a wider date range, another kind, or check the user id.' }}
        >
          <Field id={`${id}-user`} label="User id">
            <input id={`${id}-user`} value={userId} onChange={(event) => setUserId(event.target.value)} autoComplete="off" spellCheck={false} />
          </Field>
          <LedgerFilterFields values={filterValues} onChange={setFilterValues} />
          <Field id={`${id}-actor`} label="Actor">
            <input
              id={`${id}-actor`}
              value={actor}
              onChange={(event) => setActor(event.target.value)}
              placeholder="stripe, system, an admin id"
              autoComplete="off"
              spellCheck={false}
            />
          </Field>
        </FilteredLedger>
      </section>
    </>
  );
}
