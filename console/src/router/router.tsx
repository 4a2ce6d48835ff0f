import { useSyncExternalStore } from 'react';
import type { AnchorHTMLAttributes, MouseEvent, ReactNode } from 'react';

/**
 * A tiny router on the History API: the console has a handful of pages, so a router library would
 * cost more bytes than it saves. The server answers every console path with index.html (SPA
 * fallback), so deep links such as `/payment/success?session_id=...` and `/admin/users/u_1` load.
 */

const navigationEvent = 'topup:navigate';
let navigatedInApp = false;

/** Whether the user has moved between pages without a reload (pages then take the focus). */
export function hasNavigated(): boolean {
  return navigatedInApp;
}

export interface Location {
  pathname: string;
  search: URLSearchParams;
}

function subscribe(onChange: () => void): () => void {
  window.addEventListener('popstate', onChange);
  window.addEventListener(navigationEvent, onChange);
  return () => {
    window.removeEventListener('popstate', onChange);
    window.removeEventListener(navigationEvent, onChange);
  };
}

const readHref = () => window.location.pathname + window.location.search;

/** The current location; re-renders when it changes. */
export function useLocation(): Location {
  const href = useSyncExternalStore(subscribe, readHref, readHref);
  const url = new URL(href, 'http://console.invalid');
  return { pathname: url.pathname, search: url.searchParams };
}

/** Goes to a console path without a reload. `replace` leaves no history entry (redirects, filters). */
export function navigate(to: string, options: { replace?: boolean } = {}): void {
  navigatedInApp = true;
  if (options.replace) window.history.replaceState(null, '', to);
  else window.history.pushState(null, '', to);
  window.dispatchEvent(new Event(navigationEvent));
  if (!options.replace) window.scrollTo?.(0, 0);
}

type LinkProps = Omit<AnchorHTMLAttributes<HTMLAnchorElement>, 'href'> & { to: string; children: ReactNode };

/** An ordinary link (middle click and ctrl-click still open a tab) that navigates in place otherwise. */
export function Link({ to, onClick, children, ...rest }: LinkProps) {
  const handleClick = (event: MouseEvent<HTMLAnchorElement>) => {
    onClick?.(event);
    if (event.defaultPrevented || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
    event.preventDefault();
    navigate(to);
  };
  return (
    <a href={to} onClick={handleClick} {...rest}>
      {children}
    </a>
  );
}

/** Matches `/admin/users/:id`-style patterns; returns the decoded parameters or null. */
export function matchPath(pattern: string, pathname: string): Record<string, string> | null {
  const patternParts = pattern.split('/').filter(Boolean);
  const pathParts = pathname.replace(/\/+$/, '').split('/').filter(Boolean);
  if (patternParts.length !== pathParts.length) return null;
  const parameters: Record<string, string> = {};
  for (const [index, part] of patternParts.entries()) {
    const actual = pathParts[index] as string;
    if (part.startsWith(':')) parameters[part.slice(1)] = decodeURIComponent(actual);
    else if (part !== actual) return null;
  }
  return parameters;
}
