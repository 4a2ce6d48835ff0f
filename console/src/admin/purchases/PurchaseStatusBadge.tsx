import { enumLabels } from '../../format/enumLabels.ts';
import type { TopUpStatus } from '../../generated/graphql.ts';
import { purchaseStatuses } from '../../../../server/vocabulary.ts';

/** Words for each status, from the vocabulary. */
const statusLabels: Record<TopUpStatus, string> = enumLabels(purchaseStatuses, { partially_refunded: 'Partly refunded' });

const statusTones: Record<TopUpStatus, 'neutral' | 'success' | 'warning' | 'error'> = {
  OPEN: 'neutral',
  PENDING: 'warning',
  PAID: 'success',
  FAILED: 'error',
  EXPIRED: 'neutral',
  REFUNDED: 'neutral',
  PARTIALLY_REFUNDED: 'warning',
  DISPUTED: 'error',
};

/** A purchase's status in words, with a colour that is never the only signal. */
export function PurchaseStatusBadge({ status }: { status: TopUpStatus }) {
  return <span className={`badge badge--${statusTones[status] ?? 'neutral'}`}>{statusLabels[status] ?? status}</span>;
}
