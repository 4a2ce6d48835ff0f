import { NetworkStatus } from '@apollo/client';
import { EmptyState } from '../../components/EmptyState.tsx';
import { ErrorNotice } from '../../components/ErrorNotice.tsx';
import { LoadMoreButton } from '../../components/LoadMoreButton.tsx';
import { LoadingRows } from '../../components/LoadingRows.tsx';
import { useAdminUserLedgerQuery } from '../../generated/hooks.ts';
import { LedgerTable } from '../../ledger/LedgerTable.tsx';

export const userLedgerPageSize = 20;

/** A user's ledger as an admin sees it: with who moved the credits. */
export function UserLedger({ userId }: { userId: string }) {
  const { data, error, refetch, fetchMore, networkStatus } = useAdminUserLedgerQuery({
    variables: { id: userId, first: userLedgerPageSize },
    fetchPolicy: 'cache-and-network',
    notifyOnNetworkStatusChange: true,
  });
  const connection = data?.user?.ledger;
  const entries = connection?.edges.map((edge) => edge.node) ?? [];
  return (
    <section className="card" aria-labelledby="user-ledger-heading">
      <h2 id="user-ledger-heading">Ledger</h2>
      {error && <ErrorNotice error={error} onRetry={() => void refetch().catch(() => undefined)} />}
      {!connection && !error && <LoadingRows rows={4} label="Loading ledger…" />}
      {connection && entries.length === 0 && <EmptyState title="No credit movements yet" />}
      {connection && entries.length > 0 && (
        <>
          <LedgerTable entries={entries} caption={`Ledger of ${userId}, newest first`} showActor />
          <LoadMoreButton
            hasNextPage={connection.pageInfo.hasNextPage}
            loading={networkStatus === NetworkStatus.fetchMore}
            onLoadMore={() => {
              const after = connection.pageInfo.endCursor;
              if (after) void fetchMore({ variables: { after } }).catch(() => undefined);
            }}
            shownCount={entries.length}
            noun={{ one: 'entry', other: 'entries' }}
          />
        </>
      )}
    </section>
  );
}
