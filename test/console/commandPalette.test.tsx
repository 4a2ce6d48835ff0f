// @vitest-environment jsdom
/**
 * Proves the command palette finds users through the server and only for admins: an admin's typed
 * text is sent as `users(search:)` and the answer's users are listed first (Enter opens the first);
 * a failed search says so in words; a user's palette never asks for users and lists only their
 * pages and actions. Arrow keys move the active option (aria-activedescendant).
 */
import { act, cleanup, fireEvent, screen, waitFor } from '@testing-library/react';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import CommandPalette from '../../console/src/keyboard/CommandPalette.tsx';
import { PaletteUsersDocument } from '../../console/src/generated/graphql.ts';
import { mockGraphQLError, mockResult } from './support/apolloMocks.ts';
import { referenceUserId } from './support/fixtures.ts';
import { renderWithApollo } from './support/renderWithApollo.tsx';

beforeAll(() => {
  window.scrollTo = () => undefined;
  // jsdom has no layout: scrolling the active option into view does nothing.
  Element.prototype.scrollIntoView = () => undefined;
});

afterEach(() => {
  cleanup();
  window.history.replaceState(null, '', '/');
});

const paletteProps = { onClose: () => undefined, onShowShortcuts: () => undefined, onSignOut: () => undefined };
const usersAnswer = {
  users: {
    __typename: 'UserConnection' as const,
    edges: [{ __typename: 'UserEdge' as const, node: { __typename: 'User' as const, id: referenceUserId, email: 'reference.user@example.com', credits: 28 } }],
  },
};

describe('CommandPalette', () => {
  it("lists the server's users for an admin's text first, and Enter opens the first", async () => {
    const onClose = vi.fn();
    renderWithApollo(<CommandPalette isAdmin {...paletteProps} onClose={onClose} />, [mockResult(PaletteUsersDocument, { search: 'reference.user' }, usersAnswer)]);
    const field = screen.getByRole('combobox');
    fireEvent.change(field, { target: { value: 'reference.user' } });
    const option = await screen.findByRole('option', { name: new RegExp(referenceUserId) });
    expect(option.textContent).toContain('reference.user@example.com · 28 credits');
    expect(option.getAttribute('aria-selected')).toBe('true');
    expect(field.getAttribute('aria-activedescendant')).toBe(option.id);
    fireEvent.keyDown(field, { key: 'ArrowDown' });
    expect(field.getAttribute('aria-activedescendant')).not.toBe(option.id);
    fireEvent.keyDown(field, { key: 'ArrowUp' });
    fireEvent.keyDown(field, { key: 'Enter' });
    expect(window.location.pathname).toBe(`/admin/users/${referenceUserId}`);
    expect(onClose).toHaveBeenCalled();
  });

  it('says when the users could not be searched', async () => {
    renderWithApollo(<CommandPalette isAdmin {...paletteProps} />, [mockGraphQLError(PaletteUsersDocument, { search: 'ada' }, 'INTERNAL_SERVER_ERROR')]);
    fireEvent.change(screen.getByRole('combobox'), { target: { value: 'ada' } });
    await waitFor(() => expect(screen.getByRole('status').textContent).toMatch(/^Users could not be searched: /));
  });

  it('gives a user pages and actions only, and never asks the server for users', async () => {
    // The clock is driven past the palette's debounce; a users request would be recorded by the mock's matcher.
    vi.useFakeTimers();
    try {
      const asked: unknown[] = [];
      renderWithApollo(<CommandPalette isAdmin={false} {...paletteProps} />, [
        mockResult(PaletteUsersDocument, (variables) => asked.push(variables) > 0, usersAnswer),
      ]);
      expect(screen.queryByRole('option', { name: /Go to Users/ })).toBeNull();
      expect(screen.getByRole('option', { name: /Go to History/ })).toBeTruthy();
      fireEvent.change(screen.getByRole('combobox'), { target: { value: 'user_32m' } });
      await act(() => vi.advanceTimersByTimeAsync(1000));
      expect(asked).toEqual([]);
      expect(screen.getByRole('status').textContent).toBe('Nothing matches “user_32m”.');
      expect(screen.queryAllByRole('option')).toHaveLength(0);
    } finally {
      vi.useRealTimers();
    }
  });
});
