import { auditedCall, type AuditStamp } from '../db/auditedCall.ts';
import { sqlArguments } from '../db/sqlArguments.ts';
import type { Storage } from '../db/storage.ts';
import { assertCreditAmount } from './assertCreditAmount.ts';
import type { CreditLotRow, LedgerEntryRow } from './ledgerTypes.ts';

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
