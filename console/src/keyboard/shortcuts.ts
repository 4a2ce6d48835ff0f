/**
 * Every keyboard shortcut of the console, in one list: the key handler (`useGlobalShortcuts`), the
 * help overlay (`ShortcutHelp`) and docs/console.md read the same words. A sequence such as `g u`
 * is two keys pressed one after the other; `Mod` is Ctrl, or ⌘ on a Mac.
 */
export interface Shortcut {
  /** The keys, in order, as shown: `['Mod', 'K']`, `['g', 'u']`. */
  keys: readonly string[];
  description: string;
  /** Shown only to admins (the server's role), as the pages it leads to exist only for them. */
  adminOnly?: boolean;
}

export interface GoToShortcut extends Shortcut {
  /** The page `g <key>` opens. */
  to: string;
  /** The second key of `g <key>`. */
  key: string;
}

/** `g` then a letter: go to a page. */
export const goToShortcuts: readonly GoToShortcut[] = [
  { keys: ['g', 'b'], key: 'b', to: '/billing', description: 'Go to Billing' },
  { keys: ['g', 'h'], key: 'h', to: '/history', description: 'Go to History' },
  { keys: ['g', 'p'], key: 'p', to: '/billing/payments', description: 'Go to Payments' },
  { keys: ['g', 'u'], key: 'u', to: '/admin/users', description: 'Go to Users', adminOnly: true },
  { keys: ['g', 'l'], key: 'l', to: '/admin/ledger', description: 'Go to the Ledger', adminOnly: true },
  { keys: ['g', 'f'], key: 'f', to: '/admin/flags', description: 'Go to Flags', adminOnly: true },
  { keys: ['g', 'm'], key: 'm', to: '/admin/mail', description: 'Go to Mail', adminOnly: true },
  { keys: ['g', 'e'], key: 'e', to: '/admin/events', description: 'Go to Stripe events', adminOnly: true },
  { keys: ['g', 'a'], key: 'a', to: '/admin/audit', description: 'Go to the Audit log', adminOnly: true },
];

/** Shortcuts that work on every page. */
export const globalShortcuts: readonly Shortcut[] = [
  { keys: ['Mod', 'K'], description: 'Open the command palette: pages, actions, and users by id or email' },
  { keys: ['?'], description: 'Show these shortcuts' },
  { keys: ['/'], description: "Focus the page's search or first filter" },
  { keys: ['Esc'], description: 'Close the palette or this overlay' },
];

/** Single keys that act on the page shown; each page says which it offers (`usePageActions`). */
export const userPageShortcuts: readonly Shortcut[] = [
  { keys: ['a'], description: "A user's page: adjust credits", adminOnly: true },
  { keys: ['p'], description: "A user's page: grant promotional credits", adminOnly: true },
  { keys: ['r'], description: "A user's page: refund the newest refundable purchase", adminOnly: true },
  { keys: ['l'], description: "A user's page: open the user in the ledger", adminOnly: true },
];

/** Whether a key event comes from somewhere the keys are text (a field), where single-key shortcuts must not fire. */
export function isTypingTarget(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false;
  if (target.isContentEditable) return true;
  const tag = target.tagName;
  if (tag === 'TEXTAREA' || tag === 'SELECT') return true;
  if (tag !== 'INPUT') return false;
  const type = (target as HTMLInputElement).type;
  return !['checkbox', 'radio', 'button', 'submit', 'reset'].includes(type);
}

/** `⌘` on Apple systems, `Ctrl` elsewhere: how `Mod` is written for this browser. */
export function modifierLabel(): string {
  return typeof navigator !== 'undefined' && /Mac|iPhone|iPad/.test(navigator.platform) ? '⌘' : 'Ctrl';
}
