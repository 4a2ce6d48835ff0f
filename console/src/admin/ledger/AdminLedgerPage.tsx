import { useQuery } from '@apollo/client/react';
import { useId, useMemo } from 'react';
import { Field } from '../../components/Field.tsx';
import { PageHeading } from '../../components/PageHeading.tsx';
import { pagedListQueryOptions } from '../../components/pagedListQueryOptions.ts';
import type { AdminLedgerFilter } from '../../generated/graphql.ts';
import { LedgerEntriesDocument } from '../../generated/graphql.ts';
import { useDebouncedValue } from '../../hooks/useDebouncedValue.ts';
import { emptyLedgerFilter, LedgerFilterFields } from '../../ledger/LedgerFilterFields.tsx';
import { FilteredLedger } from '../../ledger/FilteredLedger.tsx';
import { navigate, useLocation } from '../../router/router.tsx';
import { CreditStatsPanel } from './CreditStatsPanel.tsx';
import { CsvExportButton } from './CsvExportButton.tsx';
import { adminLedgerFilterSearch, adminLedgerFilterValues, toAdminLedgerFilter, type AdminLedgerFilterValues } from './ledgerFilterParameters.ts';

export const adminLedgerPageSize = 50;

/**
 * Admin: every credit movement, filtered by part of a user id, kind, dates and actor; CSV export;
 * charts. The filters live in the URL (`ledgerFilterParameters.ts`): a reload or a shared link keeps them.
 */
export default function AdminLedgerPage() {
  const id = useId();
  const location = useLocation();
  const values = adminLedgerFilterValues(location.search);
  const setValues = (next: AdminLedgerFilterValues) => navigate(`/admin/ledger${adminLedgerFilterSearch(next)}`, { replace: true });
  // Debounced as text: typing sends one query once it pauses, and equal filters compare equal.
  const filterText = useDebouncedValue(JSON.stringify(toAdminLedgerFilter(values)), 300);
  const filter = useMemo(() => JSON.parse(filterText) as AdminLedgerFilter, [filterText]);
  const query = useQuery(LedgerEntriesDocument, { ...pagedListQueryOptions, variables: { filter, first: adminLedgerPageSize } });
  const filtered = adminLedgerFilterSearch(values) !== '';

  return (
    <>
      <PageHeading title="Ledger" />
      <CreditStatsPanel />
      <section className="card" aria-labelledby={`${id}-entries`}>
        <div className="section-header">
          <h2 id={`${id}-entries`}>Entries</h2>
          <CsvExportButton filter={filter} days={{ from: values.from, to: values.to }} />
        </div>
        <FilteredLedger
          formLabel="Filter the ledger"
          filtered={filtered}
          onClearFilters={() => setValues({ ...emptyLedgerFilter, user: '', actor: '' })}
          query={query}
          connection={(query.data ?? query.previousData)?.ledgerEntries}
          list={{ placeholderRows: 8, loadingLabel: 'Loading ledger…', caption: 'Ledger entries across users, newest first', showUser: true, showActor: true }}
          empty={{ title: 'The ledger is empty', filteredHint: 'Try a wider date range, another kind, or another part of the user id.' }}
        >
          <Field id={`${id}-user`} label="User id">
            <input
              id={`${id}-user`}
              value={values.user}
              onChange={(event) => setValues({ ...values, user: event.target.value })}
              placeholder="any part of an id"
              autoComplete="off"
              spellCheck={false}
            />
          </Field>
          <LedgerFilterFields values={values} onChange={(next) => setValues({ ...values, ...next })} />
          <Field id={`${id}-actor`} label="Actor">
            <input
              id={`${id}-actor`}
              value={values.actor}
              onChange={(event) => setValues({ ...values, actor: event.target.value })}
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
