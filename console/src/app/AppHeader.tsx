import { useAuthSession } from '../auth/AuthSession.ts';
import type { ViewerQuery } from '../generated/graphql.ts';
import { modifierLabel } from '../keyboard/shortcuts.ts';
import { Link } from '../router/router.tsx';
import { BalanceBadge } from './BalanceBadge.tsx';
import { MainNavigation } from './MainNavigation.tsx';

interface AppHeaderProps {
  viewer: ViewerQuery['viewer'];
  pathname: string;
  /** Admins: the pages are in the sidebar (`MainNavigation` beside the page), not in the header. */
  sidebar: boolean;
  onOpenPalette: () => void;
}

/** Brand, navigation (in the header for users; admins have a sidebar), the palette, the live balance, and who is signed in. */
export function AppHeader({ viewer, pathname, sidebar, onOpenPalette }: AppHeaderProps) {
  const session = useAuthSession();
  return (
    <header className="app-header">
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <div className="app-header__inner">
        <Link to="/billing" className="brand">
          Topup
        </Link>
        {!sidebar && <MainNavigation isAdmin={false} pathname={pathname} />}
        <button type="button" className="palette-button" onClick={onOpenPalette} aria-keyshortcuts="Control+K Meta+K">
          <span className="palette-button__text">{viewer.role === 'ADMIN' ? 'Find user, page…' : 'Find…'}</span>
          <span className="palette-button__short" aria-hidden="true">
            Find
          </span>
          <kbd className="palette-button__keys">{modifierLabel()} K</kbd>
        </button>
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
