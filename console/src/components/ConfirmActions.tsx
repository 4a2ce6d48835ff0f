import { ErrorNotice } from './ErrorNotice.tsx';

interface ConfirmActionsProps {
  /** The confirm button's words, e.g. "Confirm refund". */
  label: string;
  /** Its words while the submission is on its way, e.g. "Refunding…". */
  busyLabel: string;
  /** `danger` for what cannot be undone. */
  tone: 'primary' | 'danger';
  /**
   * The two-step form (`useConfirmForm`): whether the submission is on its way (both buttons wait
   * for it), why the last send failed (shown above the buttons), and its confirm and back steps.
   */
  form: { sending: boolean; sendError: unknown; confirm: () => void; back: () => void };
}

/**
 * The second step of a two-step form: why the last send failed, if it did, then "Confirm" and
 * "Back". Both are disabled while the submission is on its way.
 */
export function ConfirmActions({ label, busyLabel, tone, form }: ConfirmActionsProps) {
  const { sending: busy, sendError, confirm: onConfirm, back: onBack } = form;
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
