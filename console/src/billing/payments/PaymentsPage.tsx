import { useQuery } from '@apollo/client/react';
import { PurchaseStatusBadge } from '../../admin/purchases/PurchaseStatusBadge.tsx';
import { PageHeading } from '../../components/PageHeading.tsx';
import { PagedTableCard } from '../../components/PagedTableCard.tsx';
import { pagedListQueryOptions } from '../../components/pagedListQueryOptions.ts';
import { formatCredits } from '../../format/formatCredits.ts';
import { formatDateTime } from '../../format/formatDate.ts';
import { formatMoney } from '../../format/formatMoney.ts';
import type { TopUpStatus } from '../../generated/graphql.ts';
import { MyPaymentsDocument } from '../../generated/graphql.ts';
import { Link } from '../../router/router.tsx';

export const paymentsPageSize = 20;

/**
 * The payments a user made or tried: checkouts left open or expired took no money and are not
 * payments, so they are left out (the server filters).
 */
export const paymentStatuses: TopUpStatus[] = ['PAID', 'PENDING', 'FAILED', 'REFUNDED', 'PARTIALLY_REFUNDED', 'DISPUTED'];

/**
 * The signed-in user's own payments, newest first: status, credits, amount and a link to Stripe's
 * receipt. The server decides whose purchases these are (`me`), and fetches each receipt URL from
 * Stripe once; one not known yet reads "Receipt pending" and appears on a later visit.
 */
export function PaymentsPage() {
  const query = useQuery(MyPaymentsDocument, { ...pagedListQueryOptions, variables: { first: paymentsPageSize, statuses: paymentStatuses } });
  return (
    <>
      <PageHeading title="Payments" />
      <p>
        <Link to="/billing">Back to billing</Link>
      </p>
      <PagedTableCard
        title="Your payments"
        query={query}
        connection={query.data?.me.purchases}
        noun={{ one: 'payment', other: 'payments' }}
        empty={{ title: 'No payments yet', text: 'Credits you buy are listed here with their receipts.' }}
        caption="Your payments, newest first"
        columns={[{ label: 'Date' }, { label: 'Status' }, { label: 'Credits', numeric: true }, { label: 'Amount', numeric: true }, { label: 'Receipt' }]}
      >
        {(payments) =>
          payments.map((payment) => (
            <tr key={payment.sessionId} data-testid="payment-row">
              <td data-label="Date">
                <time dateTime={payment.createdAt}>{formatDateTime(payment.createdAt)}</time>
              </td>
              <td data-label="Status">
                <PurchaseStatusBadge status={payment.status} />
              </td>
              <td data-label="Credits" className="numeric">
                {formatCredits(payment.credits)}
              </td>
              <td data-label="Amount" className="numeric">
                {formatMoney({ amountMinor: payment.amountMinor, currency: payment.currency })}
                {payment.amountRefundedMinor > 0 && (
                  <span className="small muted block">{`${formatMoney({ amountMinor: payment.amountRefundedMinor, currency: payment.currency })} refunded`}</span>
                )}
              </td>
              <td data-label="Receipt">
                <ReceiptCell status={payment.status} receiptUrl={payment.receiptUrl ?? null} />
              </td>
            </tr>
          ))
        }
      </PagedTableCard>
    </>
  );
}

function ReceiptCell({ status, receiptUrl }: { status: TopUpStatus; receiptUrl: string | null }) {
  if (receiptUrl !== null) {
    return (
      <a href={receiptUrl} target="_blank" rel="noreferrer noopener">
        Receipt<span className="visually-hidden"> (opens Stripe's receipt in a new tab)</span>
      </a>
    );
  }
  if (status === 'PENDING' || status === 'FAILED') return <span className="muted">—</span>;
  return <span className="muted">Receipt pending</span>;
}
