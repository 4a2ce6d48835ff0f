import { useQuery } from '@apollo/client/react';
import { formatCredits } from '../format/formatCredits.ts';
import { MeDocument } from '../generated/graphql.ts';
import { Link } from '../router/router.tsx';

/**
 * The balance in the header. It reads the cached `me`, so when the success page refetches `me`
 * after a payment, this updates without a reload.
 */
export function BalanceBadge() {
  const { data } = useQuery(MeDocument);
  const credits = data?.me.credits;
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
