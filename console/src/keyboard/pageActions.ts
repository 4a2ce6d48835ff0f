import { useEffect } from 'react';
import { useSyncExternalStore } from 'react';

/**
 * What the page on screen offers to the command palette and to single-key shortcuts (a user's
 * page: adjust, grant, refund). A page registers its actions while it is shown; the palette lists
 * them and the shell's key handler runs the one whose key was pressed. The store is module state:
 * one page is shown at a time.
 */
export interface PageAction {
  id: string;
  label: string;
  /** A single key that runs it outside fields, e.g. `a`. */
  key?: string;
  run: () => void;
}

let actions: readonly PageAction[] = [];
const listeners = new Set<() => void>();

function publish(next: readonly PageAction[]): void {
  actions = next;
  for (const listener of listeners) listener();
}

function subscribe(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

/** The actions of the page shown now. */
export function currentPageActions(): readonly PageAction[] {
  return actions;
}

export function usePageActionList(): readonly PageAction[] {
  return useSyncExternalStore(subscribe, currentPageActions, currentPageActions);
}

/** Offers `pageActions` while the calling page is shown. Pass a stable (memoised) list. */
export function usePageActions(pageActions: readonly PageAction[]): void {
  useEffect(() => {
    publish(pageActions);
    return () => {
      if (actions === pageActions) publish([]);
    };
  }, [pageActions]);
}

/** Brings a section into view and puts the keyboard in its first control (what a page action does). */
export function focusFirstControl(sectionId: string): void {
  const section = document.getElementById(sectionId);
  const control = section?.querySelector<HTMLElement>('input:not([type=hidden]):not([disabled]), select, textarea, button:not([disabled])');
  section?.scrollIntoView({ block: 'start' });
  (control ?? section)?.focus({ preventScroll: true });
}
