import type { ReactNode } from 'react';
import { EmptyState } from '../components/EmptyState.tsx';
import type { PagedQuery } from '../components/PagedList.tsx';
import type { LedgerConnectionFieldsFragment } from '../generated/graphql.ts';
import { LedgerList } from './LedgerList.tsx';

interface FilteredLedgerProps {
  /** The filter form's accessible name, and its fields (`LedgerFilterFields` and the page's own). */
  formLabel: string;
  children: ReactNode;
  /** Whether any filter is set: offers "Clear filters", and says so when nothing matches. */
  filtered: boolean;
  onClearFilters: () => void;
  /** The ledger's query, which keeps showing the previous filter's rows (`data ?? previousData`) while new ones load. */
  query: PagedQuery & { data?: unknown };
  connection: LedgerConnectionFieldsFragment | null | undefined;
  list: { placeholderRows: number; loadingLabel: string; caption: string; showUser?: boolean; showActor?: boolean };
  /** What the list says when it is empty: unfiltered (`title`, `body`), or with `filteredHint` on what to try. */
  empty: { title: string; body?: ReactNode; filteredHint: string };
}

/** A ledger with its filter form (a user's history, the admin ledger): the rows dim while another filter's load. */
export function FilteredLedger({ formLabel, children, filtered, onClearFilters, query, connection, list, empty }: FilteredLedgerProps) {
  return (
    <>
      <form className="filters" aria-label={formLabel} onSubmit={(event) => event.preventDefault()}>
        {children}
        {filtered && (
          <button type="button" className="button button--quiet" onClick={onClearFilters}>
            Clear filters
          </button>
        )}
      </form>

      <LedgerList
        {...list}
        query={query}
        connection={connection}
        stale={!query.data}
        empty={<EmptyState title={filtered ? 'No entries match these filters' : empty.title}>{filtered ? <p>{empty.filteredHint}</p> : empty.body}</EmptyState>}
      />
    </>
  );
}
