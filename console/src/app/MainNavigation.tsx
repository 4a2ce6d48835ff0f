import { useEffect, useRef } from 'react';
import { Link } from '../router/router.tsx';
import { adminItems, userItems } from './navigationItems.ts';
import type { NavigationItem } from './navigationItems.ts';

interface MainNavigationProps {
  /** Admins get the admin pages too, in a sidebar beside the page on a wide window. */
  isAdmin: boolean;
  pathname: string;
}

function NavigationList({ items, pathname }: { items: readonly NavigationItem[]; pathname: string }) {
  return (
    <ul>
      {items.map((item) => (
        <li key={item.to}>
          <Link to={item.to} aria-current={item.matches(pathname) ? 'page' : undefined}>
            {item.label}
          </Link>
        </li>
      ))}
    </ul>
  );
}

/**
 * The pages. A user's few fit in the header; an admin's are a sidebar on a wide window, and one
 * row under the header that scrolls sideways on a narrow one (the current page kept in view).
 */
export function MainNavigation({ isAdmin, pathname }: MainNavigationProps) {
  const navigationRef = useRef<HTMLElement>(null);
  useEffect(() => {
    const navigation = navigationRef.current;
    const current = navigation?.querySelector<HTMLElement>('[aria-current="page"]');
    if (!navigation || !current || navigation.scrollWidth <= navigation.clientWidth) return;
    const offset = current.getBoundingClientRect().left - navigation.getBoundingClientRect().left + navigation.scrollLeft;
    navigation.scrollLeft = offset - (navigation.clientWidth - current.offsetWidth) / 2;
  }, [pathname]);
  if (!isAdmin) {
    return (
      <nav aria-label="Main" className="main-nav" ref={navigationRef}>
        <NavigationList items={userItems} pathname={pathname} />
      </nav>
    );
  }
  return (
    <nav aria-label="Main" className="sidebar" ref={navigationRef}>
      <div className="sidebar__groups">
        <NavigationList items={userItems} pathname={pathname} />
        <NavigationList items={adminItems} pathname={pathname} />
      </div>
    </nav>
  );
}
