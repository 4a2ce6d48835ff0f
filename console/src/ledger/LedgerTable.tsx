import { UserLink } from '../admin/users/UserLink.tsx';
import { DataTable } from '../components/DataTable.tsx';
import { formatCreditDelta, formatCredits } from '../format/formatCredits.ts';
import { formatDateTime } from '../format/formatDate.ts';
import type { LedgerEntryFieldsFragment } from '../generated/graphql.ts';
import { describeLotChanges } from '../lots/describeLotChanges.ts';
import { ledgerKindLabel } from './ledgerKinds.ts';

interface LedgerTableProps {
  entries: readonly LedgerEntryFieldsFragment[];
  caption: string;
  /** Admin views: the user column (a link to their page) and who moved the credits. */
  showUser?: boolean;
  showActor?: boolean;
}

/**
 * Ledger entries, newest first, with the running balance after each. On a phone each row becomes a
 * small card whose cells carry their column name.
 */
export function LedgerTable({ entries, caption, showUser = false, showActor = false }: LedgerTableProps) {
  return (
    <DataTable
      caption={caption}
      // The ledger across users (the admin's) is the long one: dense, headings kept in sight.
      dense={showUser}
      className="ledger-table"
      columns={[
        { label: 'Date' },
        showUser && { label: 'User' },
        { label: 'Kind' },
        { label: 'Reason' },
        { label: 'Change', numeric: true },
        { label: 'Balance', numeric: true },
        showActor && { label: 'By' },
      ]}
    >
      {entries.map((entry) => (
        <tr key={entry.id} data-testid="ledger-row">
          <td data-label="Date">
            <time dateTime={entry.createdAt}>{formatDateTime(entry.createdAt)}</time>
          </td>
          {showUser && (
            <td data-label="User">
              <UserLink userId={entry.userId} />
            </td>
          )}
          <td data-label="Kind">
            <span className={`kind kind--${entry.kind.toLowerCase()}`}>{ledgerKindLabel(entry.kind)}</span>
          </td>
          <td data-label="Reason" className="reason">
            <ReasonCell entry={entry} showSession={showActor} />
          </td>
          <td data-label="Change" className={entry.delta < 0 ? 'numeric delta delta--negative' : 'numeric delta delta--positive'}>
            {formatCreditDelta(entry.delta)}
          </td>
          <td data-label="Balance" className="numeric">
            {formatCredits(entry.balanceAfter)}
          </td>
          {showActor && (
            <td data-label="By">
              <span className="id" title={entry.actor}>
                {entry.actor}
              </span>
            </td>
          )}
        </tr>
      ))}
    </DataTable>
  );
}

/**
 * The reason, and what the entry did to the user's lots in words (`describeLotChanges`): an expiry's
 * sentence stands in for its reason, which names lot ids and instants.
 */
function ReasonCell({ entry, showSession }: { entry: LedgerEntryFieldsFragment; showSession: boolean }) {
  const lots = describeLotChanges(entry);
  const reason = entry.kind === 'EXPIRY' && lots !== null ? lots : entry.reason;
  return (
    <span>
      {reason ?? <span className="muted">—</span>}
      {lots !== null && reason !== lots && <span className="muted small block">{lots}</span>}
      {showSession && entry.purchase && (
        <span className="muted id small block" title={entry.purchase.sessionId}>
          {entry.purchase.sessionId}
        </span>
      )}
    </span>
  );
}
