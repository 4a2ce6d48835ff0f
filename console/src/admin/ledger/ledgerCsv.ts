import type { AdminLedgerFilter, LedgerEntryFieldsFragment } from '../../generated/graphql.ts';

/**
 * The columns of the ledger export. An entry of a purchase also carries the purchase's recorded
 * `currency` and `amount_minor`, and, when Stripe Adaptive Pricing charged the customer in another
 * currency, that `charged_currency` and `charged_amount_minor`; amounts are integers in minor units.
 * `lot_changes` lists the lots the entry changed, signed like `delta` (see `lotChangesCell`).
 */
export const ledgerCsvHeader =
  'created_at,entry_id,user_id,kind,delta,balance_after,reason,actor,session_id,currency,amount_minor,charged_currency,charged_amount_minor,lot_changes\r\n';

/** One ledger entry as a CSV record (RFC 4180: CRLF, quoted when needed). */
export function ledgerCsvLine(entry: LedgerEntryFieldsFragment): string {
  const purchase = entry.purchase;
  const converted = purchase?.presentmentCurrency != null && purchase.presentmentAmountMinor != null;
  return (
    [
      entry.createdAt,
      entry.id,
      textCell(entry.userId),
      entry.kind,
      String(entry.delta),
      String(entry.balanceAfter),
      textCell(entry.reason ?? ''),
      textCell(entry.actor),
      purchase?.sessionId ?? '',
      textCell(purchase?.currency ?? ''),
      purchase ? String(purchase.amountMinor) : '',
      converted ? textCell(purchase.presentmentCurrency ?? '') : '',
      converted ? String(purchase.presentmentAmountMinor) : '',
      lotChangesCell(entry.lotChanges),
    ]
      .map(quoteCell)
      .join(',') + '\r\n'
  );
}

/**
 * The lots an entry changed, in one cell: `lot 12 promotion -30 expires 2026-12-05T00:00:00.000Z; lot 3
 * purchase -20` (the lot's id, kind, the credits put in or drawn, and its expiry when it has one).
 */
export function lotChangesCell(changes: LedgerEntryFieldsFragment['lotChanges']): string {
  return changes
    .map((change) => {
      const credits = change.credits > 0 ? `+${change.credits}` : String(change.credits);
      const expiry = change.lotExpiresAt ? ` expires ${change.lotExpiresAt}` : '';
      return `lot ${change.lotId} ${change.lotKind.toLowerCase()} ${credits}${expiry}`;
    })
    .join('; ');
}

/**
 * The export's file name says what it holds: the filter's user (an exact id or part of one), kinds,
 * actor and days, and the day it was exported
 * (`topup-ledger-user-user_1-purchase+refund-from-2026-11-01-to-2026-11-30-2026-12-01.csv`), each
 * part cut to what a file name may safely hold. `days` are the inclusive YYYY-MM-DD dates as chosen.
 */
export function ledgerCsvFileName(filter: AdminLedgerFilter, exportedAt: Date, days: { from: string; to: string } = { from: '', to: '' }): string {
  const user = filter.userId != null && filter.userId !== '' ? String(filter.userId) : (filter.userIdContains ?? '');
  const parts = [
    'topup-ledger',
    user !== '' ? `user-${user}` : null,
    filter.kinds?.length ? filter.kinds.map((kind) => kind.toLowerCase()).join('+') : null,
    filter.actor ? `by-${filter.actor}` : null,
    days.from !== '' ? `from-${days.from}` : null,
    days.to !== '' ? `to-${days.to}` : null,
    exportedAt.toISOString().slice(0, 10),
  ];
  return `${parts
    .filter((part): part is string => part !== null)
    .map(fileNamePart)
    .join('-')}.csv`;
}

/** Letters, digits, `_`, `+` and `-` only, at most 64 of them: ids and kinds pass unchanged. */
function fileNamePart(part: string): string {
  return part.replace(/[^A-Za-z0-9_+-]/g, '_').slice(0, 64);
}

/**
 * Free text typed by people (a reason) could start like a spreadsheet formula ("=HYPERLINK(...)");
 * a leading apostrophe makes spreadsheets show it as text instead of running it.
 */
export function textCell(value: string): string {
  return /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
}

export function quoteCell(value: string): string {
  return /[",\r\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}
