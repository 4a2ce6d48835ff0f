import { Field } from '../../components/Field.tsx';

/** A whole number of credits, typed as text so that the form's check can say what is wrong with it. */
export function CreditsField({ id, label, value, onChange }: { id: string; label: string; value: string; onChange: (value: string) => void }) {
  return (
    <Field id={id} label={label}>
      <input id={id} inputMode="numeric" autoComplete="off" value={value} onChange={(event) => onChange(event.target.value)} />
    </Field>
  );
}
