import type { TopUpStatus } from '../../generated/graphql.ts';

const statusLabels: Record<TopUpStatus, string> = {
  OPEN: 'Open',
  PENDING: 'Pending',
  PAID: 'Paid',
  FAILED: 'Failed',
  EXPIRED: 'Expired',
  REFUNDED: 'Refunded',
  PARTIALLY_REFUNDED: 'Partly refunded',
  DISPUTED: 'Disputed',
};

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
