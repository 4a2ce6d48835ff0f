import { useQuery } from '@apollo/client/react';
import { useMemo } from 'react';
import { liveQueryOptions, useLiveCredits } from '../../apollo/useLiveCredits.ts';
import { EmptyState } from '../../components/EmptyState.tsx';
import { ErrorNotice } from '../../components/ErrorNotice.tsx';
import { LoadingRows } from '../../components/LoadingRows.tsx';
import { PageHeading } from '../../components/PageHeading.tsx';
import { formatCredits } from '../../format/formatCredits.ts';
import { formatDateTime } from '../../format/formatDate.ts';
import { AdminUserDocument, UserRecentAuditDocument, UserRecentStripeEventsDocument } from '../../generated/graphql.ts';
import { focusFirstControl, usePageActions } from '../../keyboard/pageActions.ts';
import type { PageAction } from '../../keyboard/pageActions.ts';
import { Link, navigate } from '../../router/router.tsx';
import { AdjustCreditsForm } from './AdjustCreditsForm.tsx';
import { GrantPromotionForm } from './GrantPromotionForm.tsx';
import { UserHolds } from './UserHolds.tsx';
import { UserLedger } from './UserLedger.tsx';
import { UserLots } from './UserLots.tsx';
import { UserPurchases } from './UserPurchases.tsx';
import { UserRecentAudit } from './UserRecentAudit.tsx';
import { UserRecentEvents } from './UserRecentEvents.tsx';
import { UserAutoTopUp } from '../../autoTopUp/UserAutoTopUp.tsx';

/** What else the overview asks again when the polled balance shows credits moved. */
const activityDocuments = [UserRecentStripeEventsDocument, UserRecentAuditDocument];

/** The keys and palette entries of a user's page (listed in `keyboard/shortcuts.ts`). */
function userPageActions(userId: string): PageAction[] {
  return [
    { id: 'adjust', key: 'a', label: 'Adjust credits of this user', run: () => focusFirstControl('user-adjust') },
    { id: 'grant', key: 'p', label: 'Grant promotional credits to this user', run: () => focusFirstControl('user-grant') },
    {
      id: 'refund',
      key: 'r',
      label: "Refund one of this user's purchases",
      run: () => {
        const refund = document.querySelector<HTMLElement>('#user-purchases button[aria-label^="Refund purchase"]');
        if (refund) refund.focus();
        else focusFirstControl('user-purchases');
      },
    },
    { id: 'ledger', key: 'l', label: 'Open this user in the ledger', run: () => navigate(`/admin/ledger?user=${encodeURIComponent(userId)}`) },
  ];
}

/**
 * Admin: one user as a customer overview. The balance with what is available and held, and the
 * actions that move it beside it (adjust, grant); then their lots and holds, purchases (each with
 * its refund) and ledger, and beside them the newest Stripe events and audit entries and auto top-up. The
 * balance is asked for again every few seconds, and when it moved the rest follows.
 */
export default function AdminUserPage({ userId }: { userId: string }) {
  const { data, error, refetch } = useQuery(AdminUserDocument, { variables: { id: userId }, fetchPolicy: 'cache-and-network', ...liveQueryOptions });
  const user = data?.user;
  useLiveCredits({ userId: user?.id, credits: user?.credits, lastCreditUpdate: user?.lastCreditUpdate, alsoRefetch: activityDocuments });
  const shownUserId = user?.id;
  // One list per user shown (the palette and the key handler keep it while the page is open).
  const actions = useMemo(() => (shownUserId ? userPageActions(shownUserId) : []), [shownUserId]);
  usePageActions(actions);

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
      <div className="overview">
        <div className="overview__main">
          <section className="card overview__balance" aria-labelledby="user-balance-heading">
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
            <p className="live-note muted">Updates by itself when credits move.</p>
            <p>
              <Link to={`/admin/ledger?user=${encodeURIComponent(user.id)}`}>Open in the ledger</Link>
            </p>
          </section>
          <UserLots userId={user.id} />
          <UserHolds userId={user.id} />
          <div id="user-purchases">
            <UserPurchases userId={user.id} />
          </div>
          <UserLedger userId={user.id} />
        </div>
        <div className="overview__side">
          <div id="user-adjust">
            <AdjustCreditsForm userId={user.id} credits={user.credits} />
          </div>
          <div id="user-grant">
            <GrantPromotionForm userId={user.id} credits={user.credits} />
          </div>
          <UserRecentEvents userId={user.id} />
          <UserRecentAudit userId={user.id} />
          <UserAutoTopUp userId={user.id} />
        </div>
      </div>
    </>
  );
}
