import { useEffect, useRef } from 'react';
import { useAuthSession } from '../auth/AuthSession.ts';
import type { ViewerQuery } from '../generated/graphql.ts';
import { Link } from '../router/router.tsx';
import { BalanceBadge } from './BalanceBadge.tsx';

interface AppHeaderProps {
  viewer: ViewerQuery['viewer'];
  pathname: string;
}

interface NavigationItem {
  to: string;
  label: string;
  /** Paths that count as this item being the current page. */
  matches: (pathname: string) => boolean;
}

const userItems: NavigationItem[] = [
  { to: '/billing', label: 'Billing', matches: (path) => path === '/' || path.startsWith('/billing') || path.startsWith('/payment') },
  { to: '/history', label: 'History', matches: (path) => path === '/history' },
];

const adminItems: NavigationItem[] = [
  { to: '/admin/users', label: 'Users', matches: (path) => path === '/admin' || path.startsWith('/admin/users') },
  { to: '/admin/ledger', label: 'Ledger', matches: (path) => path === '/admin/ledger' },
  { to: '/admin/flags', label: 'Flags', matches: (path) => path === '/admin/flags' },
  { to: '/admin/mail', label: 'Mail', matches: (path) => path === '/admin/mail' },
  { to: '/admin/events', label: 'Events', matches: (path) => path === '/admin/events' },
  { to: '/admin/audit', label: 'Audit', matches: (path) => path === '/admin/audit' },
];

/** Brand, navigation (admin pages only for admins), the live balance, and who is signed in. */
export function AppHeader({ viewer, pathname }: AppHeaderProps) {
  const session = useAuthSession();
  const items = viewer.role === 'ADMIN' ? [...userItems, ...adminItems] : userItems;
  const navigationRef = useRef<HTMLElement>(null);
  // The pages are one row that scrolls sideways on a narrow window: keep the current one in view.
  useEffect(() => {
    const navigation = navigationRef.current;
    const current = navigation?.querySelector<HTMLElement>('[aria-current="page"]');
    if (!navigation || !current || navigation.scrollWidth <= navigation.clientWidth) return;
    const offset = current.getBoundingClientRect().left - navigation.getBoundingClientRect().left + navigation.scrollLeft;
    navigation.scrollLeft = offset - (navigation.clientWidth - current.offsetWidth) / 2;
  }, [pathname]);
  return (
    <header className="app-header">
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <div className="app-header__inner">
        <Link to="/billing" className="brand">
          Topup
        </Link>
        <nav aria-label="Main" className="main-nav" ref={navigationRef}>
          <ul>
            {items.map((item) => (
              <li key={item.to}>
                <Link to={item.to} aria-current={item.matches(pathname) ? 'page' : undefined}>
                  {item.label}
                </Link>
              </li>
            ))}
          </ul>
        </nav>
        <div className="account">
          <BalanceBadge />
          <span className="account__who">
            <span className="visually-hidden">Signed in as </span>
            <span className="id" title={viewer.id}>
              {viewer.id}
            </span>
            {viewer.role === 'ADMIN' && <span className="tag">Admin</span>}
            {session.mode === 'development' && (
              <span className="tag tag--dev" title="Development sign-in">
                Dev
              </span>
            )}
          </span>
          <button type="button" className="button button--quiet button--small" onClick={() => void session.signOut()}>
            Sign out
          </button>
        </div>
      </div>
    </header>
  );
}
