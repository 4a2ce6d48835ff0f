import type { LedgerEntryFieldsFragment } from '../../generated/graphql.ts';

export const ledgerCsvHeader = 'created_at,entry_id,user_id,kind,delta,balance_after,reason,actor,session_id\r\n';

/** One ledger entry as a CSV record (RFC 4180: CRLF, quoted when needed). */
export function ledgerCsvLine(entry: LedgerEntryFieldsFragment): string {
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
      entry.purchase?.sessionId ?? '',
    ]
      .map(quoteCell)
      .join(',') + '\r\n'
  );
}

/**
 * Free text typed by people (a reason) could start like a spreadsheet formula ("=HYPERLINK(...)");
 * a leading apostrophe makes spreadsheets show it as text instead of running it.
 */
function textCell(value: string): string {
  return /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
}

function quoteCell(value: string): string {
  return /[",\r\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}
