import { useQuery } from '@apollo/client/react';
import { liveQueryOptions, useLiveCredits } from '../apollo/useLiveCredits.ts';
import { formatCredits } from '../format/formatCredits.ts';
import { MeDocument } from '../generated/graphql.ts';
import { Link } from '../router/router.tsx';

/**
 * The balance in the header. It reads the cached `me`, so when the success page refetches `me`
 * after a payment, this updates without a reload; and it asks again every few seconds while the
 * tab is in sight, so credits moved elsewhere (the app spending, an auto top-up) show too, with
 * the user's lots and history brought up to date (`useLiveCredits`).
 */
export function BalanceBadge() {
  const { data } = useQuery(MeDocument, liveQueryOptions);
  const credits = data?.me.credits;
  useLiveCredits({ userId: data?.me.id, credits, lastCreditUpdate: data?.me.lastCreditUpdate });
  if (credits === undefined) {
    return <span className="balance-badge balance-badge--loading" aria-hidden="true" />;
  }
  return (
    <Link to="/billing" className={credits < 0 ? 'balance-badge balance-badge--debt' : 'balance-badge'} data-testid="header-balance">
      <span className="visually-hidden">Balance: </span>
      {formatCredits(credits)} credits
    </Link>
  );
}
