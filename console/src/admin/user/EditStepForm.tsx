import type { ReactNode } from 'react';
import { DoneNotice } from '../../components/DoneNotice.tsx';
import { ReviewActions } from '../../components/ReviewActions.tsx';
import type { ConfirmForm } from './useConfirmForm.ts';

/** The first step of an admin's credit movement (`useConfirmForm`): its fields, what is wrong, "Review", and what the last send said. */
export function EditStepForm({ form, reviewLabel, children }: { form: ConfirmForm; reviewLabel: string; children: ReactNode }) {
  return (
    <form onSubmit={form.review} noValidate className="stack">
      {children}
      {/* A problem shown under its field is not repeated under the buttons. */}
      <ReviewActions problem={Object.keys(form.fieldProblems).length > 0 ? null : form.problem} label={reviewLabel} />
      <DoneNotice done={form.done} />
    </form>
  );
}
