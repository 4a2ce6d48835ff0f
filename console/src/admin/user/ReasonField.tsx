import { Field, FieldProblem } from '../../components/Field.tsx';

/** The longest reason a credit movement takes (the server checks it too). */
export const reasonLengthMax = 500;

/** The reason of a credit movement an admin makes: required, and shown to the user in their history; what is wrong with it under it (`problem`). */
export function ReasonField({ id, label, value, onChange, problem }: { id: string; label: string; value: string; onChange: (value: string) => void; problem?: string | undefined }) {
  return (
    <Field id={id} label={label}>
      <textarea
        id={id}
        rows={2}
        maxLength={reasonLengthMax}
        value={value}
        onChange={(event) => onChange(event.target.value)}
        required
        aria-invalid={problem !== undefined}
        aria-describedby={problem !== undefined ? `${id}-problem` : undefined}
      />
      <FieldProblem id={`${id}-problem`} problem={problem} />
    </Field>
  );
}
