import { useQuery } from '@apollo/client/react';
import { EmptyState } from '../../components/EmptyState.tsx';
import { ErrorNotice } from '../../components/ErrorNotice.tsx';
import { LoadingRows } from '../../components/LoadingRows.tsx';
import { PageHeading } from '../../components/PageHeading.tsx';
import { formatCredits } from '../../format/formatCredits.ts';
import { formatDateTime } from '../../format/formatDate.ts';
import { AdminUserDocument } from '../../generated/graphql.ts';
import { Link } from '../../router/router.tsx';
import { AdjustCreditsForm } from './AdjustCreditsForm.tsx';
import { GrantPromotionForm } from './GrantPromotionForm.tsx';
import { UserHolds } from './UserHolds.tsx';
import { UserLedger } from './UserLedger.tsx';
import { UserLots } from './UserLots.tsx';
import { UserPurchases } from './UserPurchases.tsx';
import { UserAutoTopUp } from '../../autoTopUp/UserAutoTopUp.tsx';

/** Admin: one user's balance, lots, holds, purchases (with refunds) and ledger; ways to adjust credits and grant promotional ones. */
export default function AdminUserPage({ userId }: { userId: string }) {
  const { data, error, refetch } = useQuery(AdminUserDocument, { variables: { id: userId }, fetchPolicy: 'cache-and-network' });
  const user = data?.user;

  const back = (
    <p className="breadcrumb">
      <Link to="/admin/users">← All users</Link>
    </p>
  );
  if (error && !data) {
    return (
      <>
        {back}
        <PageHeading title="User" />
        <ErrorNotice error={error} onRetry={() => void refetch().catch(() => undefined)} />
      </>
    );
  }
  if (!data) {
    return (
      <>
        {back}
        <PageHeading title="User" />
        <LoadingRows rows={6} label="Loading user…" />
      </>
    );
  }
  if (!user) {
    return (
      <>
        {back}
        <PageHeading title="User not found" />
        <EmptyState title={`No user with id ${userId}`}>
          <p>Users exist once they have signed in or bought credits.</p>
        </EmptyState>
      </>
    );
  }

  return (
    <>
      {back}
      <PageHeading title="User">
        {' '}
        <span className="id heading-id" title={user.id}>
          {user.id}
        </span>
      </PageHeading>
      <div className="user-layout">
        <section className="card" aria-labelledby="user-balance-heading">
          <h2 id="user-balance-heading">Balance</h2>
          <p className={user.credits < 0 ? 'balance balance--debt' : 'balance'} data-testid="user-balance">
            {formatCredits(user.credits)} credits
          </p>
          <dl className="summary-list">
            {user.debt > 0 && (
              <>
                <dt>Debt</dt>
                <dd className="delta--negative">{formatCredits(user.debt)} credits</dd>
              </>
            )}
            <dt>Email</dt>
            <dd>{user.email ?? '—'}</dd>
            <dt>Last change</dt>
            <dd>{user.lastCreditUpdate ? formatDateTime(user.lastCreditUpdate) : 'Never'}</dd>
            <dt>Joined</dt>
            <dd>{formatDateTime(user.createdAt)}</dd>
          </dl>
          <p>
            <Link to={`/admin/ledger?user=${encodeURIComponent(user.id)}`}>Open in the ledger</Link>
          </p>
        </section>
        <AdjustCreditsForm userId={user.id} credits={user.credits} />
        <GrantPromotionForm userId={user.id} />
      </div>
      <UserAutoTopUp userId={user.id} />
      <UserLots userId={user.id} />
      <UserHolds userId={user.id} />
      <UserPurchases userId={user.id} />
      <UserLedger userId={user.id} />
    </>
  );
}
