import { formatCreditDelta, formatCredits } from '../format/formatCredits.ts';
import { formatDateTime } from '../format/formatDate.ts';
import type { LedgerEntryFieldsFragment } from '../generated/graphql.ts';
import { Link } from '../router/router.tsx';
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
    <div className="table-wrap">
      <table className="data-table ledger-table">
        <caption className="visually-hidden">{caption}</caption>
        <thead>
          <tr>
            <th scope="col">Date</th>
            {showUser && <th scope="col">User</th>}
            <th scope="col">Kind</th>
            <th scope="col">Reason</th>
            <th scope="col" className="numeric">
              Change
            </th>
            <th scope="col" className="numeric">
              Balance
            </th>
            {showActor && <th scope="col">By</th>}
          </tr>
        </thead>
        <tbody>
          {entries.map((entry) => (
            <tr key={entry.id} data-testid="ledger-row">
              <td data-label="Date">
                <time dateTime={entry.createdAt}>{formatDateTime(entry.createdAt)}</time>
              </td>
              {showUser && (
                <td data-label="User">
                  <Link to={`/admin/users/${encodeURIComponent(entry.userId)}`} className="id">
                    {entry.userId}
                  </Link>
                </td>
              )}
              <td data-label="Kind">
                <span className={`kind kind--${entry.kind.toLowerCase()}`}>{ledgerKindLabel(entry.kind)}</span>
              </td>
              <td data-label="Reason" className="reason">
                <span>
                  {entry.reason ?? <span className="muted">—</span>}
                  {showActor && entry.purchase && <span className="muted id small block">{entry.purchase.sessionId}</span>}
                </span>
              </td>
              <td data-label="Change" className={entry.delta < 0 ? 'numeric delta delta--negative' : 'numeric delta delta--positive'}>
                {formatCreditDelta(entry.delta)}
              </td>
              <td data-label="Balance" className="numeric">
                {formatCredits(entry.balanceAfter)}
              </td>
              {showActor && (
                <td data-label="By" className="id">
                  {entry.actor}
                </td>
              )}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
