import { sqlArguments } from '../db/sqlArguments.ts';
import type { Storage } from '../db/storage.ts';
import { assertCreditAmount } from './assertCreditAmount.ts';
import type { LedgerEntryRow } from './ledgerTypes.ts';

/**
 * An admin's correction with a required reason; a negative one may not overdraw.
 * Errors: BAD_USER_INPUT, NOT_FOUND (user), INSUFFICIENT_CREDITS, IDEMPOTENCY_CONFLICT.
 */
export async function adjustCredits(
  storage: Storage,
  options: { userId: string; delta: number; reason: string; actor: string; idempotencyKey: string },
): Promise<LedgerEntryRow> {
  assertCreditAmount(options.delta, 'delta', { allowNegative: true });
  return storage.call<LedgerEntryRow>('adjust_credits', sqlArguments(options, ['userId', 'delta', 'reason', 'actor', 'idempotencyKey']));
}
