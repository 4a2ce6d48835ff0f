import { useId } from 'react';
import { Field } from '../components/Field.tsx';
import { startOfLocalDay } from '../format/formatDate.ts';
import type { LedgerKind } from '../generated/graphql.ts';
import { isLedgerKind, ledgerKindLabels, ledgerKinds } from './ledgerKinds.ts';

export interface LedgerFilterValues {
  kind: LedgerKind | '';
  /** `yyyy-mm-dd` from a date input, or empty. */
  from: string;
  to: string;
}

export const emptyLedgerFilter: LedgerFilterValues = { kind: '', from: '', to: '' };

interface LedgerFilterFieldsProps {
  values: LedgerFilterValues;
  onChange: (values: LedgerFilterValues) => void;
}

/** Kind and date range, shared by a user's history and the admin ledger. Dates are inclusive. */
export function LedgerFilterFields({ values, onChange }: LedgerFilterFieldsProps) {
  const id = useId();
  const rangeInvalid = values.from !== '' && values.to !== '' && values.from > values.to;
  return (
    <>
      <Field id={`${id}-kind`} label="Kind">
        <select
          id={`${id}-kind`}
          value={values.kind}
          onChange={(event) => onChange({ ...values, kind: isLedgerKind(event.target.value) ? event.target.value : '' })}
        >
          <option value="">All kinds</option>
          {ledgerKinds.map((kind) => (
            <option key={kind} value={kind}>
              {ledgerKindLabels[kind]}
            </option>
          ))}
        </select>
      </Field>
      <Field id={`${id}-from`} label="From">
        <input id={`${id}-from`} type="date" value={values.from} onChange={(event) => onChange({ ...values, from: event.target.value })} />
      </Field>
      <Field id={`${id}-to`} label="To">
        <input
          id={`${id}-to`}
          type="date"
          value={values.to}
          min={values.from || undefined}
          aria-invalid={rangeInvalid}
          aria-describedby={`${id}-range`}
          onChange={(event) => onChange({ ...values, to: event.target.value })}
        />
        <p className="field__error" id={`${id}-range`} aria-live="polite">
          {rangeInvalid ? 'The end date is before the start date.' : ''}
        </p>
      </Field>
    </>
  );
}

/** The API's filter for these values: the `to` day is included (the API's `to` is exclusive). */
export function toLedgerFilter(values: LedgerFilterValues): { kinds?: LedgerKind[]; from?: string; to?: string } {
  const from = startOfLocalDay(values.from);
  const to = startOfLocalDay(values.to, 1);
  return {
    ...(values.kind ? { kinds: [values.kind] } : {}),
    ...(from ? { from } : {}),
    ...(to ? { to } : {}),
  };
}

export function isFilterActive(values: LedgerFilterValues): boolean {
  return values.kind !== '' || values.from !== '' || values.to !== '';
}
