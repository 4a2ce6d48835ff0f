export interface NavigationItem {
  to: string;
  label: string;
  /** Paths that count as this item being the current page. */
  matches: (pathname: string) => boolean;
}

/** The pages every signed-in user has. */
export const userItems: readonly NavigationItem[] = [
  { to: '/billing', label: 'Billing', matches: (path) => path === '/' || path.startsWith('/billing') || path.startsWith('/payment') },
  { to: '/history', label: 'History', matches: (path) => path === '/history' },
];

/** The pages the server lets admins open (the navigation shows them when `viewer.role` is ADMIN). */
export const adminItems: readonly NavigationItem[] = [
  { to: '/admin/users', label: 'Users', matches: (path) => path === '/admin' || path.startsWith('/admin/users') },
  { to: '/admin/ledger', label: 'Ledger', matches: (path) => path === '/admin/ledger' },
  { to: '/admin/flags', label: 'Flags', matches: (path) => path === '/admin/flags' },
  { to: '/admin/mail', label: 'Mail', matches: (path) => path === '/admin/mail' },
  { to: '/admin/events', label: 'Events', matches: (path) => path === '/admin/events' },
  { to: '/admin/audit', label: 'Audit', matches: (path) => path === '/admin/audit' },
];
