import { useQuery } from '@apollo/client/react';
import { CardSection } from '../../components/CardSection.tsx';
import { EmptyState } from '../../components/EmptyState.tsx';
import { pagedListQueryOptions } from '../../components/pagedListQueryOptions.ts';
import { AdminUserLedgerDocument } from '../../generated/graphql.ts';
import { LedgerList } from '../../ledger/LedgerList.tsx';

export const userLedgerPageSize = 20;

/** A user's ledger as an admin sees it: with who moved the credits. */
export function UserLedger({ userId }: { userId: string }) {
  const query = useQuery(AdminUserLedgerDocument, { ...pagedListQueryOptions, variables: { id: userId, first: userLedgerPageSize } });
  return (
    <CardSection title="Ledger">
      <LedgerList
        query={query}
        connection={query.data?.user?.ledger}
        placeholderRows={4}
        loadingLabel="Loading ledger…"
        empty={<EmptyState title="No credit movements yet" />}
        caption={`Ledger of ${userId}, newest first`}
        showActor
      />
    </CardSection>
  );
}
