import { ErrorNotice } from './ErrorNotice.tsx';

interface ConfirmActionsProps {
  /** The confirm button's words, e.g. "Confirm refund". */
  label: string;
  /** Its words while the submission is on its way, e.g. "Refunding…". */
  busyLabel: string;
  /** `danger` for what cannot be undone. */
  tone: 'primary' | 'danger';
  /** Whether the submission is on its way: both buttons wait for it. */
  busy: boolean;
  /** Why the last send failed, shown above the buttons; `null` when it did not. */
  sendError: unknown;
  onConfirm: () => void;
  onBack: () => void;
}

/**
 * The second step of a two-step form: why the last send failed, if it did, then "Confirm" and
 * "Back". Both are disabled while the submission is on its way.
 */
export function ConfirmActions({ label, busyLabel, tone, busy, sendError, onConfirm, onBack }: ConfirmActionsProps) {
  return (
    <>
      {sendError != null && <ErrorNotice error={sendError} />}
      <div className="actions">
        <button type="button" className={`button button--${tone}`} onClick={onConfirm} disabled={busy} aria-busy={busy}>
          {busy ? busyLabel : label}
        </button>
        <button type="button" className="button" onClick={onBack} disabled={busy}>
          Back
        </button>
      </div>
    </>
  );
}
