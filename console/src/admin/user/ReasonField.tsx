import { Field } from '../../components/Field.tsx';

/** The longest reason a credit movement takes (the server checks it too). */
export const reasonLengthMax = 500;

/** The reason of a credit movement an admin makes: required, and shown to the user in their history. */
export function ReasonField({ id, label, value, onChange }: { id: string; label: string; value: string; onChange: (value: string) => void }) {
  return (
    <Field id={id} label={label}>
      <textarea id={id} rows={2} maxLength={reasonLengthMax} value={value} onChange={(event) => onChange(event.target.value)} required />
    </Field>
  );
}
