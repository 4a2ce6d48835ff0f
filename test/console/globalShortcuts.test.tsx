// @vitest-environment jsdom
/**
 * Proves the console's key handler takes keys only where it should: Ctrl+K and ⌘K open the palette
 * even from a text field, while single keys (`?`, `g l`, a page's `a`) act only outside fields;
 * `g` then a letter navigates, an admin's page only for an admin; a page's action key runs that
 * page's action, and nothing once the page is gone. Real DOM key events on window, no timers.
 */
import { act, cleanup, fireEvent, render, screen } from '@testing-library/react';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { usePageActions } from '../../console/src/keyboard/pageActions.ts';
import type { PageAction } from '../../console/src/keyboard/pageActions.ts';
import { useGlobalShortcuts } from '../../console/src/keyboard/useGlobalShortcuts.ts';

beforeAll(() => {
  window.scrollTo = () => undefined;
});

afterEach(() => {
  cleanup();
  window.history.replaceState(null, '', '/');
});

function Harness({ isAdmin, actions = [] }: { isAdmin: boolean; actions?: PageAction[] }) {
  const shortcuts = useGlobalShortcuts({ isAdmin });
  usePageActions(actions);
  return (
    <>
      <output data-testid="overlay">{shortcuts.overlay ?? 'none'}</output>
      <input aria-label="Reason" />
    </>
  );
}

const press = (key: string, options: KeyboardEventInit = {}, target: Element = document.body) => act(() => void fireEvent.keyDown(target, { key, bubbles: true, ...options }));

describe('useGlobalShortcuts', () => {
  it('opens the palette with Ctrl+K or ⌘K, even while typing, and the shortcuts with "?" only outside fields', () => {
    render(<Harness isAdmin={false} />);
    const field = screen.getByLabelText('Reason');
    press('?', {}, field);
    expect(screen.getByTestId('overlay').textContent).toBe('none');
    press('k', { ctrlKey: true }, field);
    expect(screen.getByTestId('overlay').textContent).toBe('palette');
    press('k', { metaKey: true });
    expect(screen.getByTestId('overlay').textContent).toBe('none');
    press('?');
    expect(screen.getByTestId('overlay').textContent).toBe('help');
  });

  it('goes to a page on "g" then a letter, an admin page only for an admin, never from a field', () => {
    const { unmount } = render(<Harness isAdmin={false} />);
    press('g');
    press('l');
    expect(window.location.pathname, 'a user has no ledger page').toBe('/');
    press('g');
    press('h');
    expect(window.location.pathname).toBe('/history');
    unmount();

    render(<Harness isAdmin />);
    press('g');
    press('l');
    expect(window.location.pathname).toBe('/admin/ledger');
    const field = screen.getByLabelText('Reason');
    press('g', {}, field);
    press('u', {}, field);
    expect(window.location.pathname, 'typing "gu" in a field does not navigate').toBe('/admin/ledger');
  });

  it("runs the page's action for its key, not from a field, and forgets it when the page goes", () => {
    const run = vi.fn();
    const actions = [{ id: 'adjust', key: 'a', label: 'Adjust credits', run }];
    const { unmount } = render(<Harness isAdmin actions={actions} />);
    press('a', {}, screen.getByLabelText('Reason'));
    expect(run).not.toHaveBeenCalled();
    press('a');
    expect(run).toHaveBeenCalledTimes(1);
    unmount();
    render(<Harness isAdmin />);
    press('a');
    expect(run).toHaveBeenCalledTimes(1);
  });
});
