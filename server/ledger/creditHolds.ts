import { auditedCall, type AuditStamp } from '../db/auditedCall.ts';
import { sqlArguments } from '../db/sqlArguments.ts';
import type { Storage } from '../db/storage.ts';
import type { HoldStatus } from '../vocabulary.ts';
import { assertCreditAmount } from './assertCreditAmount.ts';
import type { CreditHoldRow } from './ledgerTypes.ts';

/** The longest a hold may last, and how long it lasts unless the caller says otherwise. */
export const holdSecondsMax = 86_400;
export const holdSecondsDefault = 3600;

/**
 * Reserves credits (at most `availableCredits`) until captured, released or `expiresInSeconds` pass.
 * A replay with the same key returns the original hold. Errors: BAD_USER_INPUT, NOT_FOUND (user),
 * INSUFFICIENT_CREDITS, IDEMPOTENCY_CONFLICT.
 */
export async function reserveCredits(
  storage: Storage,
  options: { userId: string; amount: number; reason: string | null; actor: string; idempotencyKey: string; expiresInSeconds: number; audit?: AuditStamp | null },
): Promise<CreditHoldRow> {
  assertCreditAmount(options.amount, 'amount', { allowNegative: false });
  return auditedCall<CreditHoldRow>(
    storage,
    options.audit,
    'reserve_credits',
    sqlArguments(options, ['userId', 'amount', 'reason', 'actor', 'idempotencyKey', 'expiresInSeconds']),
  );
}

/**
 * Spends `amount` (1 to the hold's amount) of an active hold as one SPEND entry and releases the
 * rest. Errors: BAD_USER_INPUT, NOT_FOUND (hold), HOLD_NOT_ACTIVE, INSUFFICIENT_CREDITS (the credits
 * were clawed back meanwhile), IDEMPOTENCY_CONFLICT.
 */
export async function captureCredits(
  storage: Storage,
  options: { holdId: string; amount: number; actor: string; idempotencyKey: string; audit?: AuditStamp | null },
): Promise<CreditHoldRow> {
  assertCreditAmount(options.amount, 'amount', { allowNegative: false });
  return auditedCall<CreditHoldRow>(storage, options.audit, 'capture_credits', sqlArguments(options, ['holdId', 'amount', 'actor', 'idempotencyKey']));
}

/** Gives an active hold back (a released one is returned as is). Errors: NOT_FOUND, HOLD_NOT_ACTIVE. */
export function releaseCredits(storage: Storage, options: { holdId: string; audit?: AuditStamp | null }): Promise<CreditHoldRow> {
  return auditedCall<CreditHoldRow>(storage, options.audit, 'release_credits', sqlArguments(options, ['holdId']));
}

/** The user's holds, newest first (at most 100), of one status as of now when given. */
export function listHolds(storage: Storage, options: { userId: string; status: HoldStatus | null }): Promise<CreditHoldRow[]> {
  return storage.call<CreditHoldRow[]>('list_holds', sqlArguments(options, ['userId', 'status']));
}
