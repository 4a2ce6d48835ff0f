import { errorCodes, TopupError } from '../errors.ts';
import type { Storage } from '../db/storage.ts';
import { ledgerKinds, type LedgerEntryRow, type LedgerKind, type Page } from './ledgerTypes.ts';
import { decodeCursor, pageSize, toPage } from './pagination.ts';

export interface LedgerFilter {
  userId?: string | null;
  /** Part of a user id, anywhere in it, case-insensitive (like the users search); at most `userIdContainsLengthMax` characters. */
  userIdContains?: string | null;
  kinds?: LedgerKind[] | null;
  /** ISO instant, inclusive. */
  from?: string | null;
  /** ISO instant, exclusive. */
  to?: string | null;
  actor?: string | null;
}

/** The longest `userIdContains` taken: longer than any user id. */
export const userIdContainsLengthMax = 200;

/** Ledger entries newest first, keyset-paginated. Errors: BAD_USER_INPUT (page size, cursor, filter). */
export async function listLedgerEntries(
  storage: Storage,
  options: LedgerFilter & { first?: number | null; after?: string | null },
): Promise<Page<LedgerEntryRow>> {
  const size = pageSize(options.first);
  const kinds = options.kinds ?? null;
  if (kinds?.some((kind) => !ledgerKinds.includes(kind))) {
    throw new TopupError(errorCodes.badUserInput, `kinds must be among ${ledgerKinds.join(', ')}`);
  }
  if ((options.userIdContains ?? '').length > userIdContainsLengthMax) {
    throw new TopupError(errorCodes.badUserInput, `userIdContains must be at most ${userIdContainsLengthMax} characters`);
  }
  const rows = await storage.call<{ node: LedgerEntryRow; cursor: string }[]>('list_ledger_entries', {
    p_user_id: options.userId ?? null,
    p_kinds: kinds,
    p_from: parseInstant(options.from, 'from'),
    p_to: parseInstant(options.to, 'to'),
    p_actor: options.actor ?? null,
    p_after: decodeCursor('ledger', options.after),
    p_limit: size,
    p_user_id_contains: options.userIdContains ?? null,
  });
  return toPage('ledger', rows, size);
}

function parseInstant(value: string | null | undefined, name: string): string | null {
  if (value === null || value === undefined) return null;
  const time = Date.parse(value);
  if (Number.isNaN(time)) throw new TopupError(errorCodes.badUserInput, `${name} must be an ISO 8601 date-time`);
  return new Date(time).toISOString();
}
