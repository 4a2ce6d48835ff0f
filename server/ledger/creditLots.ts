import { auditedCall, type AuditStamp } from '../db/auditedCall.ts';
import { sqlArguments } from '../db/sqlArguments.ts';
import type { Storage } from '../db/storage.ts';
import { assertCreditAmount } from './assertCreditAmount.ts';
import type { CreditLotRow, LedgerEntryRow, LotChangeRow } from './ledgerTypes.ts';

/**
 * Promotional credits from an admin or a service: a `promotion` entry and lot, expiring at
 * `expiresAt` (null: never; otherwise in the future). Same key and same input returns the original
 * entry. Errors: BAD_USER_INPUT, NOT_FOUND (user), IDEMPOTENCY_CONFLICT.
 */
export async function grantPromotionalCredits(
  storage: Storage,
  options: { userId: string; credits: number; reason: string; expiresAt: string | null; actor: string; idempotencyKey: string; audit?: AuditStamp | null },
): Promise<LedgerEntryRow> {
  assertCreditAmount(options.credits, 'credits', { allowNegative: false });
  return auditedCall<LedgerEntryRow>(
    storage,
    options.audit,
    'grant_promotional_credits',
    sqlArguments(options, ['userId', 'credits', 'reason', 'expiresAt', 'actor', 'idempotencyKey']),
  );
}

/** The user's lots in consumption order (`list_lots`); spent and expired ones only with `includeSpent`. */
export function listLots(storage: Storage, options: { userId: string; includeSpent: boolean }): Promise<CreditLotRow[]> {
  return storage.call<CreditLotRow[]>('list_lots', sqlArguments(options, ['userId', 'includeSpent']));
}

/** What one sweep did: holds marked expired and users whose expired lots became EXPIRY entries. */
export interface ExpirySweep {
  holdsExpired: number;
  usersExpired: number;
}

/** One sweep of expired lots and holds (`sweep_expired_credits`), at most `limit` of each. */
export function sweepExpiredCredits(storage: Storage, options: { limit: number }): Promise<ExpirySweep> {
  return storage.call<ExpirySweep>('sweep_expired_credits', sqlArguments(options, ['limit']));
}

/** What the ledger's settings row holds (`configure_ledger`). */
export interface LedgerSettings {
  /** `PURCHASED_CREDITS_EXPIRE_DAYS`: a purchase lot expires this many days after its grant; null: never. */
  purchasedCreditsExpireDays: number | null;
}

/**
 * Writes the config's ledger settings at boot: every purchase granted from then on reads them in
 * SQL (`lot_expiry_of`), whichever path grants it. Errors: BAD_USER_INPUT (days out of 1..36,500).
 */
export function configureLedger(storage: Storage, settings: LedgerSettings): Promise<LedgerSettings> {
  return storage.call<LedgerSettings>('configure_ledger', sqlArguments(settings, ['purchasedCreditsExpireDays']));
}

/** Entries one call of `lotChangesOf` explains at most (a batch spend's results). */
export const lotChangesEntriesMax = 1000;

/**
 * How each entry changed lots (`lot_changes_of_entries`), by entry id: one call for the entries of
 * a mutation's results. Ledger pages carry `lotChanges` already (built in `list_ledger_entries`).
 */
export async function lotChangesOf(storage: Storage, entryIds: string[]): Promise<Map<string, LotChangeRow[]>> {
  // Entry ids come from the ledger's own rows; anything else is a programmer error.
  if (entryIds.length > lotChangesEntriesMax || entryIds.some((id) => !/^\d{1,18}$/.test(id))) {
    throw new Error(`lotChangesOf takes at most ${lotChangesEntriesMax} entry ids of digits`);
  }
  const byEntry = await storage.call<Record<string, LotChangeRow[]>>('lot_changes_of_entries', { p_entry_ids: entryIds });
  return new Map(Object.entries(byEntry));
}
