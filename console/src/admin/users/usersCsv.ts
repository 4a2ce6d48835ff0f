import type { UserFieldsFragment } from '../../generated/graphql.ts';
import { quoteCell, textCell } from '../ledger/ledgerCsv.ts';

/** The columns of the selected users' export. */
export const usersCsvHeader = 'user_id,email,credits,debt,last_credit_update,created_at\r\n';

/** The users selected on the users page as CSV (RFC 4180, text guarded against formulas like the ledger's). */
export function usersCsv(users: readonly UserFieldsFragment[]): string {
  return (
    usersCsvHeader +
    users
      .map(
        (user) =>
          [textCell(user.id), textCell(user.email ?? ''), String(user.credits), String(user.debt), user.lastCreditUpdate ?? '', user.createdAt].map(quoteCell).join(',') + '\r\n',
      )
      .join('')
  );
}
