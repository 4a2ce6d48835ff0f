import { formatDateTime } from '../../format/formatDate.ts';
import type { PurchaseFieldsFragment } from '../../generated/graphql.ts';

/** A purchase table's "Date" cell: when the checkout session was made, and its id below. */
export function PurchaseDateCell({ purchase }: { purchase: Pick<PurchaseFieldsFragment, 'createdAt' | 'sessionId'> }) {
  return (
    <td data-label="Date">
      <span>
        <time dateTime={purchase.createdAt}>{formatDateTime(purchase.createdAt)}</time>
        <span className="id small muted block" title={purchase.sessionId}>
          {purchase.sessionId}
        </span>
      </span>
    </td>
  );
}
