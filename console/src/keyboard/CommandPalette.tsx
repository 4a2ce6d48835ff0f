import { useQuery } from '@apollo/client/react';
import { useEffect, useId, useMemo, useRef, useState } from 'react';
import type { KeyboardEvent } from 'react';
import { adminItems, userItems } from '../app/navigationItems.ts';
import { describeError } from '../errors/describeError.ts';
import { formatCredits } from '../format/formatCredits.ts';
import { PaletteUsersDocument } from '../generated/graphql.ts';
import { useDebouncedValue } from '../hooks/useDebouncedValue.ts';
import { navigate } from '../router/router.tsx';
import { usePageActionList } from './pageActions.ts';

interface CommandPaletteProps {
  isAdmin: boolean;
  onClose: () => void;
  onShowShortcuts: () => void;
  onSignOut: () => void;
}

interface Command {
  id: string;
  group: 'Users' | 'Actions' | 'Pages' | 'Open by id';
  label: string;
  /** Shown after the label, muted (an email, a balance). */
  detail?: string;
  run: () => void;
}

/** An id as users have them (Clerk's `user_...`, or a dev id): letters, digits, `_`, `-`, `.`. */
const userIdPattern = /^[A-Za-z0-9_.-]{3,200}$/;

const matches = (label: string, text: string) => label.toLowerCase().includes(text.toLowerCase());

/**
 * The command palette (Mod+K): one field that finds pages, the page's actions, and, for admins,
 * users by any part of their id or email (the server's `users(search:)`, which answers admins
 * only). Arrow keys move through the results, Enter opens one, Escape closes. A combobox with a
 * listbox (the ARIA pattern), in a modal `<dialog>`, which keeps the focus inside and gives it
 * back when it closes. Loaded on first use: it is no part of the initial JavaScript.
 */
export default function CommandPalette({ isAdmin, onClose, onShowShortcuts, onSignOut }: CommandPaletteProps) {
  const id = useId();
  const dialogRef = useRef<HTMLDialogElement>(null);
  const [text, setText] = useState('');
  const [activeIndex, setActiveIndex] = useState(0);
  const search = useDebouncedValue(text.trim(), 150);
  const pageActions = usePageActionList();
  const usersQuery = useQuery(PaletteUsersDocument, { variables: { search }, skip: !isAdmin || search.length < 2, fetchPolicy: 'cache-first' });

  useEffect(() => {
    const dialog = dialogRef.current;
    if (dialog && !dialog.open) {
      if (typeof dialog.showModal === 'function') dialog.showModal();
      else dialog.setAttribute('open', '');
    }
  }, []);

  const commands = useMemo((): Command[] => {
    const typed = text.trim();
    // The dialog closes first: while it is modal the page behind it is inert, and an action could not focus anything there.
    const close = (then: () => void) => () => {
      const dialog = dialogRef.current;
      if (dialog?.open && typeof dialog.close === 'function') dialog.close();
      onClose();
      then();
    };
    const users: Command[] = [];
    // Opening a user by exactly what was typed comes last: a word that also names an action ("grant") opens the action.
    const byExactId: Command[] = [];
    if (isAdmin && typed.length >= 2) {
      const found = (search === typed ? usersQuery.data?.users.edges : undefined) ?? [];
      for (const { node } of found) {
        users.push({ id: `user:${node.id}`, group: 'Users', label: node.id, detail: [node.email, `${formatCredits(node.credits)} credits`].filter(Boolean).join(' · '), run: close(() => navigate(`/admin/users/${encodeURIComponent(node.id)}`)) });
      }
      if (userIdPattern.test(typed) && !found.some(({ node }) => node.id === typed)) {
        byExactId.push({ id: `user-id:${typed}`, group: 'Open by id', label: `Open user ${typed}`, run: close(() => navigate(`/admin/users/${encodeURIComponent(typed)}`)) });
      }
    }
    const actions: Command[] = [
      ...pageActions.map((action) => ({ id: `action:${action.id}`, group: 'Actions' as const, label: action.label, ...(action.key ? { detail: `key ${action.key}` } : {}), run: close(action.run) })),
      { id: 'action:shortcuts', group: 'Actions', label: 'Show keyboard shortcuts', detail: 'key ?', run: onShowShortcuts },
      { id: 'action:sign-out', group: 'Actions', label: 'Sign out', run: close(onSignOut) },
    ];
    const pages: Command[] = [...userItems, { to: '/billing/payments', label: 'Payments' }, ...(isAdmin ? adminItems : [])].map((item) => ({
      id: `page:${item.to}`,
      group: 'Pages',
      label: `Go to ${item.label}`,
      detail: item.to,
      run: close(() => navigate(item.to)),
    }));
    return [...users, ...[...actions, ...pages].filter((command) => !typed || matches(command.label, typed)), ...byExactId];
  }, [text, search, isAdmin, usersQuery.data, pageActions, onClose, onShowShortcuts, onSignOut]);

  const active = commands[Math.min(activeIndex, commands.length - 1)];
  const optionId = (command: Command) => `${id}-${command.id.replace(/[^A-Za-z0-9_-]/g, '_')}`;

  useEffect(() => {
    if (active) document.getElementById(optionId(active))?.scrollIntoView({ block: 'nearest' });
  });

  const onKeyDown = (event: KeyboardEvent<HTMLInputElement>) => {
    if (event.key === 'ArrowDown' || event.key === 'ArrowUp') {
      event.preventDefault();
      const step = event.key === 'ArrowDown' ? 1 : -1;
      setActiveIndex((index) => (Math.min(index, commands.length - 1) + step + commands.length) % Math.max(1, commands.length));
    } else if (event.key === 'Enter') {
      event.preventDefault();
      active?.run();
    }
  };

  const groups = (['Users', 'Actions', 'Pages', 'Open by id'] as const).map((group) => ({ group, commands: commands.filter((command) => command.group === group) })).filter((group) => group.commands.length > 0);
  const searching = isAdmin && text.trim().length >= 2 && (usersQuery.loading || search !== text.trim());

  return (
    <dialog ref={dialogRef} className="palette" aria-label="Command palette" onClose={onClose} onClick={(event) => event.target === dialogRef.current && dialogRef.current?.close()}>
      <div className="palette__field">
        <input
          role="combobox"
          aria-expanded="true"
          aria-controls={`${id}-list`}
          aria-autocomplete="list"
          aria-activedescendant={active ? optionId(active) : undefined}
          aria-label={isAdmin ? 'Find a page, an action, or a user by id or email' : 'Find a page or an action'}
          placeholder={isAdmin ? 'Pages, actions, users by id or email…' : 'Pages and actions…'}
          value={text}
          onChange={(event) => {
            setText(event.target.value);
            setActiveIndex(0);
          }}
          onKeyDown={onKeyDown}
          autoComplete="off"
          spellCheck={false}
          autoFocus
        />
      </div>
      <div role="listbox" id={`${id}-list`} aria-label="Results" className="palette__list">
        {groups.map(({ group, commands: groupCommands }) => (
          <div role="group" aria-label={group} key={group} className="palette__group">
            <div className="palette__group-label" aria-hidden="true">
              {group}
            </div>
            {groupCommands.map((command) => (
              <div
                key={command.id}
                id={optionId(command)}
                role="option"
                aria-selected={command === active}
                className={command === active ? 'palette__option palette__option--active' : 'palette__option'}
                onMouseDown={(event) => event.preventDefault()}
                onClick={command.run}
              >
                <span className="palette__label">{command.label}</span>
                {command.detail && <span className="palette__detail">{command.detail}</span>}
              </div>
            ))}
          </div>
        ))}
      </div>
      <p className="palette__status" role="status">
        {usersQuery.error && !searching
          ? `Users could not be searched: ${describeError(usersQuery.error)}`
          : searching
            ? 'Searching users…'
            : commands.length === 0 ? `Nothing matches “${text.trim()}”.` : `${commands.length} ${commands.length === 1 ? 'result' : 'results'}`}
      </p>
    </dialog>
  );
}
