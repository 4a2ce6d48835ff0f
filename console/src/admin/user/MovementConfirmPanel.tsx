import type { ReactNode } from 'react';
import { ConfirmActions } from '../../components/ConfirmActions.tsx';
import type { ConfirmForm } from './useConfirmForm.ts';

interface MovementConfirmPanelProps {
  /** The form's two steps; its confirmation heading is focused when the panel appears. */
  form: ConfirmForm;
  /** What is about to happen, as a question ("Add 50 credits?"). */
  heading: string;
  userId: string;
  reason: string;
  /** The confirm button's words, and its words while the movement is on its way. */
  confirm: { label: string; busyLabel: string };
  /** The movement's own lines of the summary (`<dt>`, `<dd>`), between the user and the reason. */
  children: ReactNode;
}

/** The confirmation of a credit movement an admin makes for a user (adjustment, promotion): a summary, then Confirm and Back. */
export function MovementConfirmPanel({ form, heading, userId, reason, confirm, children }: MovementConfirmPanelProps) {
  return (
    <div className="confirm-panel">
      <h3 ref={form.confirmHeadingRef} tabIndex={-1}>
        {heading}
      </h3>
      <dl className="summary-list">
        <dt>User</dt>
        <dd className="id" title={userId}>
          {userId}
        </dd>
        {children}
        <dt>Reason</dt>
        <dd>{reason}</dd>
      </dl>
      <ConfirmActions label={confirm.label} busyLabel={confirm.busyLabel} tone="primary" form={form} />
    </div>
  );
}
