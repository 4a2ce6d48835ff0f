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
