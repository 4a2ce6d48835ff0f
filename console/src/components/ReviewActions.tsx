interface ReviewActionsProps {
  /** Why the form cannot go on to its confirmation, announced when it changes; `null` when nothing. */
  problem: string | null;
  /** The submit button's words, e.g. "Review refund". */
  label: string;
  /** Offers a "Cancel" button beside the submit button when given. */
  onCancel?: () => void;
}

/**
 * The end of the first step of a two-step form: what is wrong with the input, and the submit
 * button that leads to the confirmation (see `ConfirmActions`).
 */
export function ReviewActions({ problem, label, onCancel }: ReviewActionsProps) {
  return (
    <>
      <p className="field__error" role="alert">
        {problem}
      </p>
      <div className="actions">
        <button type="submit" className="button button--primary">
          {label}
        </button>
        {onCancel && (
          <button type="button" className="button" onClick={onCancel}>
            Cancel
          </button>
        )}
      </div>
    </>
  );
}
