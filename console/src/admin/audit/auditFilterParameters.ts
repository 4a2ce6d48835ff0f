import type { AuditLogFilter } from '../../generated/graphql.ts';
import { startOfLocalDay } from '../../format/formatDate.ts';

/**
 * The audit page's filters as the URL keeps them (`?actor=&action=&user=&from=&to=&outcome=`), dates
 * as YYYY-MM-DD, `outcome` `succeeded` or `refused` (empty: both).
 */
export interface AuditFilterValues {
  actor: string;
  action: string;
  user: string;
  from: string;
  to: string;
  outcome: string;
}

export const auditFilterNames = ['actor', 'action', 'user', 'from', 'to', 'outcome'] as const;

export function auditFilterValues(search: URLSearchParams): AuditFilterValues {
  const values = {} as AuditFilterValues;
  for (const name of auditFilterNames) values[name] = search.get(name) ?? '';
  return values;
}

/**
 * The query string of `values`, blank ones left out ("" when none is set). Kept as typed: the form
 * reads its fields back from the URL, so trimming here would eat a space as it is typed (the API's
 * filter is trimmed instead).
 */
export function auditFilterSearch(values: AuditFilterValues): string {
  const search = new URLSearchParams();
  for (const name of auditFilterNames) if (values[name].trim() !== '') search.set(name, values[name]);
  const text = search.toString();
  return text === '' ? '' : `?${text}`;
}

/** The API's filter: text fields exactly as typed (trimmed), "to" inclusive of its day. */
export function toAuditLogFilter(values: AuditFilterValues): AuditLogFilter {
  const from = startOfLocalDay(values.from);
  const to = startOfLocalDay(values.to, 1);
  return {
    ...(values.actor.trim() ? { actor: values.actor.trim() } : {}),
    ...(values.action.trim() ? { action: values.action.trim() } : {}),
    ...(values.user.trim() ? { userId: values.user.trim() } : {}),
    ...(from ? { from } : {}),
    ...(to ? { to } : {}),
    ...(values.outcome === 'refused' ? { refused: true } : values.outcome === 'succeeded' ? { refused: false } : {}),
  };
}
