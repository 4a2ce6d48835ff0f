import { useEffect, useState } from 'react';
import { navigate } from '../router/router.tsx';
import { currentPageActions } from './pageActions.ts';
import { goToShortcuts, isTypingTarget } from './shortcuts.ts';

/** How long after `g` its second key still counts, in event time (no timer runs). */
const sequenceWindowMilliseconds = 1500;

export type Overlay = 'palette' | 'help' | null;

interface GlobalShortcuts {
  overlay: Overlay;
  open: (overlay: Overlay) => void;
  close: () => void;
}

/**
 * The console's keys (the list is `shortcuts.ts`): Mod+K opens the palette anywhere, even in a
 * field; `?`, `/`, `g <letter>` and the page's own keys only outside fields, so typing is never
 * taken over. While an overlay is open it has the keyboard (a modal dialog), and nothing here fires.
 */
export function useGlobalShortcuts({ isAdmin }: { isAdmin: boolean }): GlobalShortcuts {
  const [overlay, setOverlay] = useState<Overlay>(null);

  useEffect(() => {
    let pendingGoAt: number | null = null;
    const onKeyDown = (event: KeyboardEvent) => {
      if (event.defaultPrevented || event.isComposing) return;
      if ((event.ctrlKey || event.metaKey) && !event.altKey && event.key.toLowerCase() === 'k') {
        event.preventDefault();
        setOverlay((shown) => (shown === 'palette' ? null : 'palette'));
        return;
      }
      if (event.ctrlKey || event.metaKey || event.altKey || isTypingTarget(event.target)) return;
      if (document.querySelector('dialog[open]')) return;

      if (pendingGoAt !== null && event.timeStamp - pendingGoAt <= sequenceWindowMilliseconds) {
        pendingGoAt = null;
        const target = goToShortcuts.find((shortcut) => shortcut.key === event.key && (isAdmin || !shortcut.adminOnly));
        if (target) {
          event.preventDefault();
          navigate(target.to);
        }
        return;
      }
      pendingGoAt = null;
      if (event.key === 'g') {
        pendingGoAt = event.timeStamp;
        return;
      }
      if (event.key === '?') {
        event.preventDefault();
        setOverlay('help');
        return;
      }
      if (event.key === '/') {
        const search = document.querySelector<HTMLElement>('main input[type=search], main form[role=search] input, main .filters input, main .filters select');
        if (search) {
          event.preventDefault();
          search.focus();
        }
        return;
      }
      const action = currentPageActions().find((candidate) => candidate.key === event.key);
      if (action) {
        event.preventDefault();
        action.run();
      }
    };
    window.addEventListener('keydown', onKeyDown);
    return () => window.removeEventListener('keydown', onKeyDown);
  }, [isAdmin]);

  return { overlay, open: setOverlay, close: () => setOverlay(null) };
}
