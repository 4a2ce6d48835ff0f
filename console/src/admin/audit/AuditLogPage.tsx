import { useQuery } from '@apollo/client/react';
import { useId, useMemo } from 'react';
import { Field } from '../../components/Field.tsx';
import { PageHeading } from '../../components/PageHeading.tsx';
import { PagedTableCard } from '../../components/PagedTableCard.tsx';
import { pagedListQueryOptions } from '../../components/pagedListQueryOptions.ts';
import { formatDateTime } from '../../format/formatDate.ts';
import { AuditLogDocument, type AuditLogFilter } from '../../generated/graphql.ts';
import { useDebouncedValue } from '../../hooks/useDebouncedValue.ts';
import { navigate, useLocation } from '../../router/router.tsx';
import { UserLink } from '../users/UserLink.tsx';
import { auditFilterSearch, auditFilterValues, toAuditLogFilter, type AuditFilterValues } from './auditFilterParameters.ts';
import { JsonDetails } from './JsonDetails.tsx';

export const auditPageSize = 50;

const textFilters: { name: 'actor' | 'action' | 'user'; label: string; placeholder: string }[] = [
  { name: 'actor', label: 'Actor', placeholder: 'an admin id, a service' },
  { name: 'action', label: 'Action', placeholder: 'adjustCredits' },
  { name: 'user', label: 'User id', placeholder: 'user_…' },
];

/**
 * Admin: who changed what. Every admin mutation (and a service's that no ledger row records), newest
 * first, with an admin's refused attempts marked Refused, filtered by actor, action, user, days and outcome; the filters live in the URL, so a filtered view
 * can be linked to. Each record's input and result open on demand.
 */
export default function AuditLogPage() {
  const id = useId();
  const location = useLocation();
  const values = auditFilterValues(location.search);
  const setValue = (name: keyof AuditFilterValues, value: string) =>
    navigate(`/admin/audit${auditFilterSearch({ ...values, [name]: value })}`, { replace: true });
  // Debounced as text: typing sends one query once it pauses, and equal filters compare equal.
  const filterText = useDebouncedValue(JSON.stringify(toAuditLogFilter(values)), 300);
  const filter = useMemo(() => JSON.parse(filterText) as AuditLogFilter, [filterText]);
  const query = useQuery(AuditLogDocument, { ...pagedListQueryOptions, variables: { filter, first: auditPageSize } });
  const filtered = auditFilterSearch(values) !== '';

  return (
    <>
      <PageHeading title="Audit log" />
      <form className="filters" aria-label="Filter the audit log" onSubmit={(event) => event.preventDefault()}>
        {textFilters.map((field) => (
          <Field key={field.name} id={`${id}-${field.name}`} label={field.label}>
            <input
              id={`${id}-${field.name}`}
              value={values[field.name]}
              onChange={(event) => setValue(field.name, event.target.value)}
              placeholder={field.placeholder}
              autoComplete="off"
              spellCheck={false}
            />
          </Field>
        ))}
        <Field id={`${id}-from`} label="From">
          <input id={`${id}-from`} type="date" value={values.from} onChange={(event) => setValue('from', event.target.value)} />
        </Field>
        <Field id={`${id}-to`} label="To">
          <input id={`${id}-to`} type="date" value={values.to} onChange={(event) => setValue('to', event.target.value)} />
        </Field>
        <Field id={`${id}-outcome`} label="Outcome">
          <select id={`${id}-outcome`} value={values.outcome} onChange={(event) => setValue('outcome', event.target.value)}>
            <option value="">Any</option>
            <option value="succeeded">Took effect</option>
            <option value="refused">Refused</option>
          </select>
        </Field>
        {filtered && (
          <button type="button" className="button button--quiet" onClick={() => navigate('/admin/audit', { replace: true })}>
            Clear filters
          </button>
        )}
      </form>
      <PagedTableCard
        title="Records"
        query={query}
        connection={(query.data ?? query.previousData)?.auditLog}
        noun={{ one: 'record', other: 'records' }}
        empty={
          filtered
            ? { title: 'No records match these filters', text: 'Try a wider date range, or check the actor, action or user id.' }
            : { title: 'Nothing audited yet', text: 'Every admin mutation writes a record here, with its input and result.' }
        }
        caption="Audit records, newest first"
        columns={[{ label: 'When' }, { label: 'Actor' }, { label: 'Action' }, { label: 'User' }, { label: 'Details' }]}
      >
        {(records) =>
          records.map((record) => (
            <tr key={record.id} data-testid="audit-row">
              <td data-label="When">
                <time dateTime={record.createdAt}>{formatDateTime(record.createdAt)}</time>
              </td>
              <td data-label="Actor">
                <span className="id" title={record.actor}>
                  {record.actor}
                </span>
              </td>
              <td data-label="Action">
                {record.action}
                {record.refused && (
                  <>
                    {' '}
                    <span className="tag" title="Refused: nothing changed; the result holds the error">
                      Refused
                    </span>
                  </>
                )}
              </td>
              <td data-label="User">{record.userId ? <UserLink userId={record.userId} /> : '—'}</td>
              <td data-label="Details">
                <JsonDetails summary="Input" json={record.input} />
                <JsonDetails summary="Result" json={record.result} />
                <span className="muted">Request <span className="id" title={record.requestId}>{record.requestId}</span></span>
              </td>
            </tr>
          ))
        }
      </PagedTableCard>
    </>
  );
}
