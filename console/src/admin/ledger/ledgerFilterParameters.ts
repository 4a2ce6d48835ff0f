import type { AdminLedgerFilter } from '../../generated/graphql.ts';
import { isLedgerKind } from '../../ledger/ledgerKinds.ts';
import { toLedgerFilter, type LedgerFilterValues } from '../../ledger/LedgerFilterFields.tsx';

/**
 * The admin ledger's filters as the URL keeps them (`?user=&kind=&from=&to=&actor=`), so a reload or
 * a shared link shows the same entries. `user` is part of a user id (any part, any case), dates are
 * YYYY-MM-DD and inclusive, `kind` a `LedgerKind`. Values are kept as typed (a space being typed is
 * not lost); they are trimmed only for the API.
 */
export interface AdminLedgerFilterValues extends LedgerFilterValues {
  user: string;
  actor: string;
}

const names = ['user', 'kind', 'from', 'to', 'actor'] as const;

export function adminLedgerFilterValues(search: URLSearchParams): AdminLedgerFilterValues {
  const kind = search.get('kind') ?? '';
  return {
    user: search.get('user') ?? '',
    kind: isLedgerKind(kind) ? kind : '',
    from: search.get('from') ?? '',
    to: search.get('to') ?? '',
    actor: search.get('actor') ?? '',
  };
}

/** The query string of `values`, blank ones left out ("" when none is set). */
export function adminLedgerFilterSearch(values: AdminLedgerFilterValues): string {
  const search = new URLSearchParams();
  for (const name of names) if (values[name].trim() !== '') search.set(name, values[name]);
  const text = search.toString();
  return text === '' ? '' : `?${text}`;
}

/** The API's filter: the user as part of an id (`userIdContains`), the `to` day included. */
export function toAdminLedgerFilter(values: AdminLedgerFilterValues): AdminLedgerFilter {
  const user = values.user.trim();
  const actor = values.actor.trim();
  return {
    ...toLedgerFilter(values),
    ...(user ? { userIdContains: user } : {}),
    ...(actor ? { actor } : {}),
  };
}
