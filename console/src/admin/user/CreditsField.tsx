import { Field, FieldProblem } from '../../components/Field.tsx';

/** A whole number of credits, typed as text so that the form's check can say what is wrong with it, under it (`problem`). */
export function CreditsField({ id, label, value, onChange, problem }: { id: string; label: string; value: string; onChange: (value: string) => void; problem?: string | undefined }) {
  return (
    <Field id={id} label={label}>
      <input
        id={id}
        inputMode="numeric"
        autoComplete="off"
        value={value}
        onChange={(event) => onChange(event.target.value)}
        aria-invalid={problem !== undefined}
        aria-describedby={problem !== undefined ? `${id}-problem` : undefined}
      />
      <FieldProblem id={`${id}-problem`} problem={problem} />
    </Field>
  );
}
