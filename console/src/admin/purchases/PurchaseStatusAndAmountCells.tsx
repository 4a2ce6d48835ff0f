import { formatCredits } from '../../format/formatCredits.ts';
import { formatMoney } from '../../format/formatMoney.ts';
import type { PurchaseFieldsFragment } from '../../generated/graphql.ts';
import { PurchaseStatusBadge } from './PurchaseStatusBadge.tsx';

interface PurchaseStatusAndAmountCellsProps {
  purchase: Pick<PurchaseFieldsFragment, 'status' | 'flagReason' | 'creditsGranted' | 'credits' | 'amountMinor' | 'currency'>;
  /** Adds a "Flagged" badge to the status of a flagged purchase, where the table has no column for it. */
  markFlagged?: boolean;
}

/**
 * A purchase table's "Status", "Credits" (granted / bought) and "Amount" cells, side by side in
 * every table of purchases.
 */
export function PurchaseStatusAndAmountCells({ purchase, markFlagged = false }: PurchaseStatusAndAmountCellsProps) {
  return (
    <>
      <td data-label="Status">
        <PurchaseStatusBadge status={purchase.status} />
        {markFlagged && purchase.flagReason && <span className="badge badge--error">Flagged</span>}
      </td>
      <td data-label="Credits" className="numeric">
        {formatCredits(purchase.creditsGranted)} / {formatCredits(purchase.credits)}
      </td>
      <td data-label="Amount" className="numeric">
        {formatMoney({ amountMinor: purchase.amountMinor, currency: purchase.currency })}
      </td>
    </>
  );
}
