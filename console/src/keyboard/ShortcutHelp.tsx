import { Fragment, useEffect, useId, useRef } from 'react';
import type { Shortcut } from './shortcuts.ts';
import { globalShortcuts, goToShortcuts, modifierLabel, userPageShortcuts } from './shortcuts.ts';

/** The keys of one shortcut, each in a `<kbd>`; a sequence reads "g then u". */
function Keys({ keys }: { keys: readonly string[] }) {
  const isChord = keys[0] === 'Mod';
  return (
    <>
      {keys.map((key, index) => (
        <Fragment key={`${key}-${index}`}>
          {index > 0 && <span className="shortcut-help__then">{isChord ? ' + ' : ' then '}</span>}
          <kbd>{key === 'Mod' ? modifierLabel() : key}</kbd>
        </Fragment>
      ))}
    </>
  );
}

function ShortcutList({ title, shortcuts }: { title: string; shortcuts: readonly Shortcut[] }) {
  const id = useId();
  if (shortcuts.length === 0) return null;
  return (
    <section aria-labelledby={id} className="shortcut-help__section">
      <h3 id={id}>{title}</h3>
      <dl className="shortcut-help__list">
        {shortcuts.map((shortcut) => (
          <div key={shortcut.keys.join(' ')} className="shortcut-help__row">
            <dt>
              <Keys keys={shortcut.keys} />
            </dt>
            <dd>{shortcut.description}</dd>
          </div>
        ))}
      </dl>
    </section>
  );
}

/** The overlay of every shortcut (`?`), from the same list the key handler uses; admins see theirs too. */
export default function ShortcutHelp({ isAdmin, onClose }: { isAdmin: boolean; onClose: () => void }) {
  const id = useId();
  const dialogRef = useRef<HTMLDialogElement>(null);
  useEffect(() => {
    const dialog = dialogRef.current;
    if (dialog && !dialog.open) {
      if (typeof dialog.showModal === 'function') dialog.showModal();
      else dialog.setAttribute('open', '');
    }
  }, []);
  const shown = (shortcuts: readonly Shortcut[]) => shortcuts.filter((shortcut) => isAdmin || !shortcut.adminOnly);
  return (
    <dialog ref={dialogRef} className="shortcut-help" aria-labelledby={id} onClose={onClose} onClick={(event) => event.target === dialogRef.current && dialogRef.current?.close()}>
      <div className="shortcut-help__header">
        <h2 id={id}>Keyboard shortcuts</h2>
        <button type="button" className="button button--quiet button--small" onClick={() => dialogRef.current?.close()} autoFocus>
          Close
        </button>
      </div>
      <p className="muted">Single keys work outside text fields. Tab and Shift+Tab reach every control.</p>
      <div className="shortcut-help__columns">
        <ShortcutList title="Anywhere" shortcuts={globalShortcuts} />
        <ShortcutList title="Go to a page" shortcuts={shown(goToShortcuts)} />
        <ShortcutList title="On a user's page" shortcuts={shown(userPageShortcuts)} />
      </div>
    </dialog>
  );
}
