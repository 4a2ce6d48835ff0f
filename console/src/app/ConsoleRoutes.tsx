import { lazy } from 'react';
import { BillingPage } from '../billing/BillingPage.tsx';
import type { Role } from '../generated/graphql.ts';
import { PaymentsPage } from '../billing/payments/PaymentsPage.tsx';
import { HistoryPage } from '../history/HistoryPage.tsx';
import { PaymentSuccessPage } from '../payment/PaymentSuccessPage.tsx';
import { matchPath } from '../router/router.tsx';
import type { Location } from '../router/router.tsx';
import { ForbiddenPage } from './ForbiddenPage.tsx';
import { NotFoundPage } from './NotFoundPage.tsx';

// Admin pages are code-split: a user never downloads them, and an admin fetches each on first visit.
const AdminUsersPage = lazy(() => import('../admin/users/AdminUsersPage.tsx'));
const AdminUserPage = lazy(() => import('../admin/user/AdminUserPage.tsx'));
const AdminLedgerPage = lazy(() => import('../admin/ledger/AdminLedgerPage.tsx'));
const AdminFlagsPage = lazy(() => import('../admin/flags/AdminFlagsPage.tsx'));
const AdminMailPage = lazy(() => import('../admin/mail/AdminMailPage.tsx'));
const AdminStripeEventsPage = lazy(() => import('../admin/events/AdminStripeEventsPage.tsx'));
const AuditLogPage = lazy(() => import('../admin/audit/AuditLogPage.tsx'));

interface ConsoleRoutesProps {
  location: Location;
  role: Role;
}

/** Which page a path shows. The server answers every path with the console (SPA fallback). */
export function ConsoleRoutes({ location, role }: ConsoleRoutesProps) {
  const { pathname, search } = location;
  // The server's cancel URL is `/billing?checkout=cancelled`; the American spelling is accepted too.
  const checkoutCanceled = search.get('checkout') === 'cancelled' || search.get('checkout') === 'canceled';
  if (pathname === '/' || pathname === '/billing') return <BillingPage checkoutCanceled={checkoutCanceled} />;
  if (pathname === '/payment/cancel' || pathname === '/payment/canceled') return <BillingPage checkoutCanceled />;
  if (pathname === '/payment/success') return <PaymentSuccessPage sessionId={search.get('session_id')} />;
  if (pathname === '/history') return <HistoryPage />;
  if (matchPath('/billing/payments', pathname)) return <PaymentsPage />;

  if (pathname === '/admin' || pathname.startsWith('/admin/')) {
    if (role !== 'ADMIN') return <ForbiddenPage />;
    if (pathname === '/admin' || matchPath('/admin/users', pathname)) return <AdminUsersPage />;
    const userMatch = matchPath('/admin/users/:userId', pathname);
    if (userMatch?.userId) return <AdminUserPage key={userMatch.userId} userId={userMatch.userId} />;
    if (matchPath('/admin/ledger', pathname)) return <AdminLedgerPage />;
    if (matchPath('/admin/flags', pathname)) return <AdminFlagsPage />;
    if (matchPath('/admin/mail', pathname)) return <AdminMailPage />;
    if (matchPath('/admin/events', pathname)) return <AdminStripeEventsPage />;
    if (matchPath('/admin/audit', pathname)) return <AuditLogPage />;
  }
  return <NotFoundPage />;
}
