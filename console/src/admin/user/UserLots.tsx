import { useQuery } from '@apollo/client/react';
import { DataTable } from '../../components/DataTable.tsx';
import { EmptyState } from '../../components/EmptyState.tsx';
import { LoadedCard } from '../../components/LoadedCard.tsx';
import { formatCredits } from '../../format/formatCredits.ts';
import { formatDateTime } from '../../format/formatDate.ts';
import { AdminUserLotsDocument } from '../../generated/graphql.ts';
import { lotKindLabels } from '../../lots/lotLabels.ts';

const columns = [
  { label: 'Kind' },
  { label: 'Remaining', numeric: true },
  { label: 'Granted', numeric: true },
  { label: 'Expires' },
  { label: 'Created' },
  { label: 'Purchase' },
] as const;

/** Admin: a user's lots in consumption order (spent and expired ones too), and their held and available credits. */
export function UserLots({ userId }: { userId: string }) {
  const { data, error, refetch } = useQuery(AdminUserLotsDocument, { variables: { id: userId }, fetchPolicy: 'cache-and-network' });
  return (
    <LoadedCard title="Lots" loaded={data?.user} error={error} refetch={refetch}>
      {(user) => (
        <>
          <p data-testid="user-available">
            {formatCredits(user.availableCredits)} available, {formatCredits(user.heldCredits)} held.
          </p>
          {user.lots.length === 0 ? (
            <EmptyState title="No lots yet" />
          ) : (
            <DataTable caption={`Lots of ${userId}, in the order spends use them`} columns={columns}>
              {user.lots.map((lot) => (
                <tr key={lot.id}>
                  <td data-label="Kind">{lotKindLabels[lot.kind] ?? lot.kind}</td>
                  <td data-label="Remaining" className="numeric">
                    {formatCredits(lot.remaining)}
                  </td>
                  <td data-label="Granted" className="numeric">
                    {formatCredits(lot.credits)}
                  </td>
                  <td data-label="Expires">{lot.expiresAt ? formatDateTime(lot.expiresAt) : 'Never'}</td>
                  <td data-label="Created">{formatDateTime(lot.createdAt)}</td>
                  <td data-label="Purchase">
                    {lot.purchase ? (
                      <span className="id" title={lot.purchase.sessionId}>
                        {lot.purchase.sessionId}
                      </span>
                    ) : (
                      '—'
                    )}
                  </td>
                </tr>
              ))}
            </DataTable>
          )}
        </>
      )}
    </LoadedCard>
  );
}
