import { useQuery } from '@apollo/client/react';
import { lazy, Suspense } from 'react';
import { useAuthSession } from '../auth/AuthSession.ts';
import { ErrorNotice } from '../components/ErrorNotice.tsx';
import { FullPageLoading } from '../components/FullPageLoading.tsx';
import { LoadingRows } from '../components/LoadingRows.tsx';
import { ViewerDocument } from '../generated/graphql.ts';
import { useGlobalShortcuts } from '../keyboard/useGlobalShortcuts.ts';
import { useLocation } from '../router/router.tsx';
import { AppHeader } from './AppHeader.tsx';
import { ConsoleRoutes } from './ConsoleRoutes.tsx';
import { MainNavigation } from './MainNavigation.tsx';

// The palette and the shortcuts overlay are fetched on first use, like the admin pages.
const CommandPalette = lazy(() => import('../keyboard/CommandPalette.tsx'));
const ShortcutHelp = lazy(() => import('../keyboard/ShortcutHelp.tsx'));

/** Header, navigation and current page. The role that decides which pages exist comes from the server. */
export function ConsoleShell() {
  const session = useAuthSession();
  const location = useLocation();
  const { data, error, refetch } = useQuery(ViewerDocument);
  const isAdmin = data?.viewer.role === 'ADMIN';
  const shortcuts = useGlobalShortcuts({ isAdmin });

  if (error && !data) {
    return (
      <main className="page" id="main" tabIndex={-1}>
        <h1 className="page-heading">Topup</h1>
        <ErrorNotice error={error} onRetry={() => void refetch().catch(() => undefined)} />
        <button type="button" className="button button--quiet" onClick={() => void session.signOut()}>
          Sign out
        </button>
      </main>
    );
  }
  if (!data) return <FullPageLoading />;

  const viewer = data.viewer;
  return (
    <div className={isAdmin ? 'shell shell--sidebar' : 'shell'}>
      <AppHeader viewer={viewer} pathname={location.pathname} sidebar={isAdmin} onOpenPalette={() => shortcuts.open('palette')} />
      {isAdmin && <MainNavigation isAdmin pathname={location.pathname} />}
      <main className="page" id="main" tabIndex={-1}>
        <Suspense fallback={<LoadingRows rows={6} label="Loading page…" />}>
          <ConsoleRoutes location={location} role={viewer.role} />
        </Suspense>
      </main>
      <Suspense fallback={null}>
        {shortcuts.overlay === 'palette' && (
          <CommandPalette isAdmin={isAdmin} onClose={shortcuts.close} onShowShortcuts={() => shortcuts.open('help')} onSignOut={() => void session.signOut()} />
        )}
        {shortcuts.overlay === 'help' && <ShortcutHelp isAdmin={isAdmin} onClose={shortcuts.close} />}
      </Suspense>
    </div>
  );
}
