import type { ReactNode } from 'react';

/** A form field: its label over the control (`children`, whose id is `id`), and any hint or error after it. */
export function Field({ id, label, children }: { id: string; label: ReactNode; children: ReactNode }) {
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      {children}
    </div>
  );
}

/**
 * What is wrong with a field, under it, announced when it appears; nothing when `problem` is
 * absent. The control names it with `aria-describedby={id}` and `aria-invalid`.
 */
export function FieldProblem({ id, problem }: { id: string; problem: string | undefined }) {
  if (problem === undefined) return null;
  return (
    <p className="field__error" id={id} role="alert">
      {problem}
    </p>
  );
}
