import { useQuery } from '@apollo/client/react';
import { DataTable } from '../../components/DataTable.tsx';
import { EmptyState } from '../../components/EmptyState.tsx';
import { LoadedCard } from '../../components/LoadedCard.tsx';
import { formatCredits } from '../../format/formatCredits.ts';
import { formatDateTime } from '../../format/formatDate.ts';
import { AdminUserHoldsDocument } from '../../generated/graphql.ts';
import type { HoldStatus } from '../../generated/graphql.ts';
import { holdStatusLabels } from '../../lots/lotLabels.ts';

const statusTones: Record<HoldStatus, 'neutral' | 'success' | 'warning' | 'error'> = {
  ACTIVE: 'warning',
  CAPTURED: 'success',
  RELEASED: 'neutral',
  EXPIRED: 'neutral',
};

const columns = [
  { label: 'Status' },
  { label: 'Amount', numeric: true },
  { label: 'Captured', numeric: true },
  { label: 'Reason' },
  { label: 'Expires' },
  { label: 'Created' },
] as const;

/** Admin: a user's holds (the app's reservations of credits), newest first, with their status. */
export function UserHolds({ userId }: { userId: string }) {
  const { data, error, refetch } = useQuery(AdminUserHoldsDocument, { variables: { id: userId }, fetchPolicy: 'cache-and-network' });
  return (
    <LoadedCard title="Holds" loaded={data?.user} error={error} refetch={refetch}>
      {(user) =>
        user.holds.length === 0 ? (
          <EmptyState title="No holds" />
        ) : (
          <DataTable caption={`Holds of ${userId}, newest first`} columns={columns}>
            {user.holds.map((hold) => (
              <tr key={hold.id}>
                <td data-label="Status">
                  <span className={`badge badge--${statusTones[hold.status] ?? 'neutral'}`}>{holdStatusLabels[hold.status] ?? hold.status}</span>
                </td>
                <td data-label="Amount" className="numeric">
                  {formatCredits(hold.amount)}
                </td>
                <td data-label="Captured" className="numeric">
                  {hold.capturedCredits == null ? '—' : formatCredits(hold.capturedCredits)}
                </td>
                <td data-label="Reason">{hold.reason ?? '—'}</td>
                <td data-label="Expires">{formatDateTime(hold.expiresAt)}</td>
                <td data-label="Created">{formatDateTime(hold.createdAt)}</td>
              </tr>
            ))}
          </DataTable>
        )
      }
    </LoadedCard>
  );
}
