import { EmptyState } from '../../components/EmptyState.tsx';
import { LoadingRows } from '../../components/LoadingRows.tsx';
import { PagedList } from '../../components/PagedList.tsx';
import { pagedListQueryOptions } from '../../components/pagedListQueryOptions.ts';
import { useAdminUserLedgerQuery } from '../../generated/hooks.ts';
import { LedgerTable } from '../../ledger/LedgerTable.tsx';

export const userLedgerPageSize = 20;

/** A user's ledger as an admin sees it: with who moved the credits. */
export function UserLedger({ userId }: { userId: string }) {
  const query = useAdminUserLedgerQuery({ ...pagedListQueryOptions, variables: { id: userId, first: userLedgerPageSize } });
  const connection = query.data?.user?.ledger;
  const entries = connection?.edges.map((edge) => edge.node) ?? [];
  return (
    <section className="card" aria-labelledby="user-ledger-heading">
      <h2 id="user-ledger-heading">Ledger</h2>
      <PagedList
        query={query}
        connection={connection}
        shownCount={entries.length}
        noun={{ one: 'entry', other: 'entries' }}
        placeholder={<LoadingRows rows={4} label="Loading ledger…" />}
        empty={<EmptyState title="No credit movements yet" />}
      >
        <LedgerTable entries={entries} caption={`Ledger of ${userId}, newest first`} showActor />
      </PagedList>
    </section>
  );
}
